import { z } from 'zod';
import type { RepositoryVerification } from '../../src/github/github-client.js';

/** The verify-repository answer; configured repositories extend it with the stored repository. */
export const repositoryVerificationSchema = z
  .object({
    is_accessible: z.boolean(),
    repository_name: z.string().nullable(),
    repository_owner: z.string().nullable(),
    default_branch: z.string().nullable(),
    error_message: z.string().nullable(),
  })
  .meta({ id: 'RepositoryVerification' }) satisfies z.ZodType<RepositoryVerification>;
