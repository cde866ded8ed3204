import { z } from 'zod';

export const fieldIssueSchema = z.object({
  /** Dotted path of the offending field (`repository_url`, `selected_commands.1`), or `body` for the whole body. */
  field: z.string(),
  message: z.string(),
  /** A machine-readable name for the rule, when the schema gives one (e.g. `host`, `credentials`, `not_implemented`). */
  rule: z.string().optional(),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** The body of every error answer: `detail` as in Archon's (FastAPI) API, plus the offending fields for a 422. */
export const apiErrorSchema = z
  .object({
    status_code: z.number().int(),
    detail: z.string(),
    errors: z.array(fieldIssueSchema).optional(),
    /** For a 500: the id under which the error was logged, so an operator can find it. */
    error_id: z.string().optional(),
  })
  .meta({ id: 'ApiError' });
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;
