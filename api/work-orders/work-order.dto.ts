import { z } from 'zod';
import type { WorkOrderLogEntry } from '../../src/artifacts/work-order-artifacts.js';
import { logLevelNames } from '../../src/models/work-order-request.js';
import {
  type AgentWorkOrder,
  type GitProgress,
  promptStepName,
  sandboxTypeSchema,
  type StepRecord,
  workOrderPhaseNames,
  workOrderStatusSchema,
  workOrderStepNames,
  workOrderStepSchema,
} from '../../src/models/work-order.js';
import type { StepHistory } from '../../workflows/messages.js';

/**
 * The response shapes, as zod schemas so the OpenAPI document is generated from them. Each is checked against the
 * domain type it describes (`satisfies z.ZodType<...>`), so the document cannot drift from what the API returns.
 */
const phaseSchema = z.enum(workOrderPhaseNames);
const stepNameSchema = z.enum([...workOrderStepNames, promptStepName]);

export const agentWorkOrderSchema = z
  .object({
    agent_work_order_id: z.string().meta({ example: 'wo-1a2b3c4d' }),
    repository_url: z.string(),
    sandbox_identifier: z.string().nullable(),
    sandbox_type: sandboxTypeSchema,
    git_branch_name: z.string().nullable(),
    agent_session_id: z.string().nullable(),
    github_issue_number: z.number().int().nullable(),
    status: workOrderStatusSchema,
    current_phase: phaseSchema.nullable(),
    current_step: stepNameSchema.nullable(),
    selected_commands: z.array(workOrderStepSchema),
    user_request: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    github_pull_request_url: z.string().nullable(),
    git_commit_count: z.number().int(),
    git_files_changed: z.number().int(),
    error_message: z.string().nullable(),
    pending_prompts: z.number().int(),
    queue_position: z.number().int().nullable(),
  })
  .meta({ id: 'AgentWorkOrder' }) satisfies z.ZodType<AgentWorkOrder>;

export const agentWorkOrderListSchema = z.array(agentWorkOrderSchema);

export const createWorkOrderResponseSchema = z
  .object({ agent_work_order_id: z.string(), status: z.literal('pending'), message: z.string() })
  .meta({ id: 'CreateWorkOrderResponse' });
export type CreateWorkOrderResponse = z.infer<typeof createWorkOrderResponseSchema>;

export const gitProgressSchema = z
  .object({
    agent_work_order_id: z.string(),
    current_phase: phaseSchema.nullable(),
    git_commit_count: z.number().int(),
    git_files_changed: z.number().int(),
    latest_commit_message: z.string().nullable(),
    git_branch_name: z.string().nullable(),
  })
  .meta({ id: 'GitProgress' }) satisfies z.ZodType<GitProgress>;

const stepRecordSchema = z
  .object({
    step: stepNameSchema,
    agent_name: z.string(),
    success: z.boolean(),
    output: z.string().nullable(),
    error_message: z.string().nullable(),
    duration_seconds: z.number(),
    session_id: z.string().nullable(),
    timestamp: z.string(),
    prompt_text: z.string().optional(),
    cost_usd: z.number().nullable().optional(),
  })
  .meta({ id: 'StepRecord' }) satisfies z.ZodType<StepRecord>;

export const stepHistorySchema = z
  .object({ agent_work_order_id: z.string(), steps: z.array(stepRecordSchema) })
  .meta({ id: 'StepHistory' }) satisfies z.ZodType<StepHistory>;

const logEntrySchema = z
  .looseObject({
    timestamp: z.string(),
    level: z.enum(logLevelNames),
    event: z.string(),
    agent_work_order_id: z.string(),
    step: z.string().nullable(),
  })
  .meta({ id: 'WorkOrderLogEntry' }) satisfies z.ZodType<WorkOrderLogEntry>;

export const workOrderLogsSchema = z
  .object({
    agent_work_order_id: z.string(),
    log_entries: z.array(logEntrySchema),
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

export const apiErrorSchema = z
  .object({
    status_code: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string(), rule: z.string().optional() })).optional(),
    error_id: z.string().optional(),
  })
  .meta({ id: 'ApiError' });
