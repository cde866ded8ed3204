import { z } from 'zod';

/** The verify-repository answer, in the API's (Archon-compatible) field names. */
export const repositoryVerificationSchema = z
  .object({
    is_accessible: z.boolean(),
    repository_name: z.string().nullable(),
    repository_owner: z.string().nullable(),
    default_branch: z.string().nullable(),
    error_message: z.string().nullable(),
  })
  .meta({ id: 'RepositoryVerification' });
export type RepositoryVerification = z.infer<typeof repositoryVerificationSchema>;
