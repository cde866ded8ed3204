import { z } from 'zod';
import { repositoryVerificationSchema } from './repository-verification.js';
import { approvalModeSchema, sandboxTypeSchema, workOrderStepSchema } from './work-order.js';

/**
 * A repository an administrator configured, with the defaults a work order on it starts with. `repository_url` is
 * normalized (https://host/owner/name, no `.git`, no trailing slash) and unique; `default_branch` comes from GitHub
 * when verified, null until then.
 */
export const configuredRepositorySchema = z
  .object({
    id: z.string(),
    repository_url: z.string(),
    display_name: z.string().nullable(),
    owner: z.string(),
    name: z.string(),
    default_branch: z.string().nullable(),
    is_verified: z.boolean(),
    last_verified_at: z.string().nullable(),
    default_sandbox_type: sandboxTypeSchema,
    default_commands: z.array(workOrderStepSchema),
    /** `plan`: work orders on this repository wait for plan approval unless their body says otherwise. */
    default_approval: approvalModeSchema,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'ConfiguredRepository' });
export type ConfiguredRepository = z.infer<typeof configuredRepositorySchema>;

export const configuredRepositoryListSchema = z.array(configuredRepositorySchema);

/** The verify-repository answer, plus the configured repository as recorded after it. */
export const repositoryVerificationResultSchema = repositoryVerificationSchema
  .extend({ repository: configuredRepositorySchema })
  .meta({ id: 'RepositoryVerificationResult' });
export type RepositoryVerificationResult = z.infer<typeof repositoryVerificationResultSchema>;
