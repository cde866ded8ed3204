import { z } from 'zod';
import { agentWorkOrderSchema } from '../../src/models/work-order.js';
import { workOrderLogEntrySchema } from '../../src/models/work-order-log-entry.js';

/** Answers only the API gives; the work order, its steps and git progress are the domain's schemas in `src/models/`. */
export const agentWorkOrderListSchema = z.array(agentWorkOrderSchema);

export const createWorkOrderResponseSchema = z
  .object({ agent_work_order_id: z.string(), status: z.literal('pending'), message: z.string() })
  .meta({ id: 'CreateWorkOrderResponse' });
export type CreateWorkOrderResponse = z.infer<typeof createWorkOrderResponseSchema>;

export const workOrderLogsSchema = z
  .object({
    agent_work_order_id: z.string(),
    log_entries: z.array(workOrderLogEntrySchema),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'WorkOrderLogs' });
export type WorkOrderLogs = z.infer<typeof workOrderLogsSchema>;

export const promptAcknowledgementSchema = z
  .object({
    agent_work_order_id: z.string(),
    prompt_id: z.string(),
    /** 1 = runs next; null when no worker answered to say how many were waiting. */
    queued_position: z.number().int().nullable(),
    message: z.string(),
  })
  .meta({ id: 'PromptAcknowledgement' });
export type PromptAcknowledgement = z.infer<typeof promptAcknowledgementSchema>;

export const cancelAcknowledgementSchema = z
  .object({ agent_work_order_id: z.string(), status: z.literal('cancelling'), message: z.string() })
  .meta({ id: 'CancelAcknowledgement' });
export type CancelAcknowledgement = z.infer<typeof cancelAcknowledgementSchema>;
