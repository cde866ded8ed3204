import { z } from 'zod';

export const logLevelNames = ['debug', 'info', 'warn', 'error'] as const;
export const logLevelSchema = z.enum(logLevelNames, { message: `must be one of: ${logLevelNames.join(', ')}` });
export type LogLevel = z.infer<typeof logLevelSchema>;

/** One line of a work order's log: the worker's structured events and the agent's stream-json events alike. */
export const workOrderLogEntrySchema = z
  .looseObject({
    timestamp: z.string(),
    level: logLevelSchema,
    event: z.string(),
    agent_work_order_id: z.string(),
    step: z.string().nullable(),
  })
  .meta({ id: 'WorkOrderLogEntry' });
export type WorkOrderLogEntry = z.infer<typeof workOrderLogEntrySchema>;
