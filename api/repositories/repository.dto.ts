import { z } from 'zod';
import { sandboxTypeSchema, workOrderStepSchema } from '../../src/models/work-order.js';
import type { ConfiguredRepository } from '../../src/repositories/configured-repository.js';
import type { RepositoryVerificationResult } from '../../src/repositories/repository-catalog.js';
import { repositoryVerificationSchema } from '../github/github.dto.js';

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
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'ConfiguredRepository' }) satisfies z.ZodType<ConfiguredRepository>;

export const configuredRepositoryListSchema = z.array(configuredRepositorySchema);

/** The verify-repository answer, plus the configured repository as recorded after it. */
export const repositoryVerificationResultSchema = repositoryVerificationSchema
  .extend({ repository: configuredRepositorySchema })
  .meta({ id: 'RepositoryVerificationResult' }) satisfies z.ZodType<RepositoryVerificationResult>;
