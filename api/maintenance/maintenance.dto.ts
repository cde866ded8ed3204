import { z } from 'zod';

export const retentionTriggerQuerySchema = z
  .object({ host_id: z.string().regex(/^[\w.-]+$/, 'must be letters, digits, dot, dash or underscore').optional() })
  .meta({ id: 'RetentionTriggerQuery' });
export type RetentionTriggerQuery = z.infer<typeof retentionTriggerQuerySchema>;

export const retentionTriggerResponseSchema = z
  .object({
    triggered: z.array(
      z.object({
        schedule_id: z.string().meta({ example: 'awo-retention-worker-1' }),
        host_id: z.string(),
        /** The cleanup run to follow in the Temporal Web UI; null while it waits behind a run already in progress. */
        workflow_id: z.string().nullable(),
      }),
    ),
    message: z.string(),
  })
  .meta({ id: 'RetentionTriggerResponse' });
export type RetentionTriggerResponse = z.infer<typeof retentionTriggerResponseSchema>;
