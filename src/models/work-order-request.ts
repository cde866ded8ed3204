import { z } from 'zod';
import { repositoryUrlPattern, repositoryUrlRefinement } from '../github/repository-url.js';
import { agentWorkOrderIdSchema } from '../ids.js';
import { type BudgetLimits, budgetLimitRules } from './work-order-budget.js';
import { logLevelSchema } from './work-order-log-entry.js';
import { maxApprovalTimeoutSeconds } from './plan-approval.js';
import {
  approvalModeSchema,
  approvalTimeoutActionSchema,
  defaultSelectedCommands,
  implementedSandboxTypes,
  sandboxTypeNames,
  type WorkOrderInput,
  workOrderStatusSchema,
  workOrderStepNames,
  workOrderStepSchema,
  workflowTypePresets,
  workflowTypeSchema,
} from './work-order.js';

/** Long enough for a detailed feature request with pasted context; short enough that one request cannot flood a history. */
export const maxUserRequestLength = 20_000;
export const maxPromptLength = 20_000;
const maxRepositoryUrlLength = 2_048;

export const repositoryUrlSchema = (serverUrl: string) =>
  z
    .string({ message: 'must be a string' })
    .max(maxRepositoryUrlLength, `must be at most ${maxRepositoryUrlLength} characters`)
    .superRefine(repositoryUrlRefinement(serverUrl))
    // The refinement is code; the document carries the same rule as a pattern for the configured server.
    .meta({ pattern: repositoryUrlPattern(serverUrl), example: `${new URL(serverUrl).origin}/owner/repository` });

/** Text a person wrote: at least one character that is not white space. */
export const nonBlankTextSchema = (maxLength: number) =>
  z
    .string({ message: 'must be a string' })
    .max(maxLength, `must be at most ${maxLength} characters`)
    .regex(/\S/, 'must not be empty');

/** e2b and dagger are part of the contract's vocabulary but have no implementation: say so instead of "invalid". */
export const requestSandboxTypeSchema = z
  .enum(sandboxTypeNames, { message: `must be one of: ${implementedSandboxTypes.join(', ')}` })
  .superRefine((value, ctx) => {
    if (!implementedSandboxTypes.includes(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `sandbox type ${value} is not implemented; use one of: ${implementedSandboxTypes.join(', ')}`,
        params: { rule: 'not_implemented' },
      });
    }
  })
  .meta({
    enum: implementedSandboxTypes,
    description: `one of ${implementedSandboxTypes.join(', ')}; ${sandboxTypeNames.filter((name) => !implementedSandboxTypes.includes(name)).join(' and ')} are recognised but not implemented (422, rule not_implemented)`,
  });

/** Archon's UI sends the issue number as a string; numbers are accepted too. */
const githubIssueNumberSchema = z.union(
  [
    z.number().int().positive().max(2_147_483_647),
    z
      .string()
      .regex(/^[1-9]\d{0,9}$/)
      .transform(Number)
      .pipe(z.number().max(2_147_483_647)),
  ],
  { message: 'must be a positive whole number' },
);

export const selectedCommandsSchema = z
  .array(workOrderStepSchema, { message: `must be a list of steps from: ${workOrderStepNames.join(', ')}` })
  .min(1, 'must name at least one step')
  .max(workOrderStepNames.length, `must name at most ${workOrderStepNames.length} steps`)
  .refine((steps) => new Set(steps).size === steps.length, 'must not name a step twice')
  .meta({ uniqueItems: true });

/**
 * The body of `POST /api/agent-work-orders/`. Unknown fields are refused: a misspelled `selected_comands` silently
 * running the default steps would start the wrong work. The repository rule depends on GITHUB_SERVER_URL, hence a
 * factory.
 */
export function createWorkOrderRequestSchema(serverUrl: string) {
  return z
    .strictObject(
      {
        repository_url: repositoryUrlSchema(serverUrl),
        user_request: nonBlankTextSchema(maxUserRequestLength),
        sandbox_type: requestSandboxTypeSchema.default('git_worktree'),
        selected_commands: selectedCommandsSchema.optional(),
        workflow_type: workflowTypeSchema.optional(),
        github_issue_number: githubIssueNumberSchema.nullish(),
        // Absent: the default in settings or the environment (AWO_MAX_COST_USD, ...), if any.
        max_cost_usd: budgetLimitRules.max_cost_usd.optional(),
        max_turns: budgetLimitRules.max_turns.optional(),
        max_duration_seconds: budgetLimitRules.max_duration_seconds.optional(),
        /** `plan`: wait for a person to approve, edit or reject the plan after the planning step. */
        approval: approvalModeSchema.optional(),
        /** How long the plan waits for a decision (default AWO_APPROVAL_TIMEOUT); used when approval is `plan`. */
        approval_timeout_seconds: approvalTimeoutSecondsSchema.optional(),
        /** What a timeout means, failing the work order (default) or approving the plan; used when approval is `plan`. */
        on_timeout: approvalTimeoutActionSchema.optional(),
      },
      { message: 'must be a JSON object' },
    )
    .superRefine((request, ctx) => {
      if (request.selected_commands && request.workflow_type) {
        ctx.addIssue({ code: 'custom', path: ['workflow_type'], message: 'give either selected_commands or workflow_type, not both' });
      }
      if (request.approval === 'plan' && !requestedSteps(request).includes('planning')) {
        ctx.addIssue({ code: 'custom', path: ['approval'], message: 'plan approval needs a planning step among the steps', params: { rule: 'needs_planning_step' } });
      }
    });
}

export const approvalTimeoutSecondsSchema = z
  .number({ message: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(1, 'must be at least 1 second')
  .max(maxApprovalTimeoutSeconds, `must be at most ${maxApprovalTimeoutSeconds} seconds (a year)`);
export type CreateWorkOrderRequest = z.output<ReturnType<typeof createWorkOrderRequestSchema>>;

/** The steps a request asks for: its own list, a preset's, or the default five. */
export function requestedSteps(request: Pick<CreateWorkOrderRequest, 'selected_commands' | 'workflow_type'>): WorkOrderInput['selectedCommands'] {
  if (request.selected_commands) return request.selected_commands;
  if (request.workflow_type) return [...workflowTypePresets[request.workflow_type]];
  return [...defaultSelectedCommands];
}

/** The workflow input for a validated request; the limits are fixed now so a replay never sees a changed setting. */
export function toWorkOrderInput(
  request: CreateWorkOrderRequest,
  context: { agentWorkOrderId: string; createdAt: string; agentTimeoutSeconds: number; pushRetrySeconds: number; budgetDefaults: BudgetLimits; approvalTimeoutSeconds: number },
): WorkOrderInput {
  const { budgetDefaults } = context;
  return {
    agentWorkOrderId: context.agentWorkOrderId,
    repositoryUrl: request.repository_url.trim(),
    userRequest: request.user_request,
    sandboxType: request.sandbox_type,
    selectedCommands: requestedSteps(request),
    workflowType: request.workflow_type ?? null,
    githubIssueNumber: request.github_issue_number ?? undefined,
    createdAt: context.createdAt,
    agentTimeoutSeconds: context.agentTimeoutSeconds,
    heartbeatTimeoutSeconds: 30,
    pushRetrySeconds: context.pushRetrySeconds,
    budget: {
      max_cost_usd: request.max_cost_usd ?? budgetDefaults.max_cost_usd,
      max_turns: request.max_turns ?? budgetDefaults.max_turns,
      max_duration_seconds: request.max_duration_seconds ?? budgetDefaults.max_duration_seconds,
    },
    ...(request.approval === 'plan'
      ? { approval: 'plan', approvalTimeoutSeconds: request.approval_timeout_seconds ?? context.approvalTimeoutSeconds, approvalOnTimeout: request.on_timeout ?? 'fail' }
      : {}),
  };
}

export const promptRequestSchema = z.strictObject(
  {
    /** Archon's UI sends the work order's id in the body too; when present it must be the one in the path. */
    agent_work_order_id: agentWorkOrderIdSchema.optional(),
    prompt_text: nonBlankTextSchema(maxPromptLength),
  },
  { message: 'must be a JSON object' },
);
export type PromptRequest = z.infer<typeof promptRequestSchema>;

export function verifyRepositoryRequestSchema(serverUrl: string) {
  return z.strictObject({ repository_url: repositoryUrlSchema(serverUrl) }, { message: 'must be a JSON object' });
}
export type VerifyRepositoryRequest = z.infer<ReturnType<typeof verifyRepositoryRequestSchema>>;

export const workOrderIdParamSchema = agentWorkOrderIdSchema;

export const listWorkOrdersQuerySchema = z.strictObject({
  status: workOrderStatusSchema.optional(),
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-1000').max(1000, 'must be 1-1000').default(100),
});
export type ListWorkOrdersQuery = z.infer<typeof listWorkOrdersQuerySchema>;

const logStepSchema = z.string().regex(/^[a-z][a-z-]{0,39}$/, 'must be a step name like planning or user-prompt');

export const workOrderLogsQuerySchema = z.strictObject({
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-1000').max(1000, 'must be 1-1000').default(100),
  offset: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').default(0),
  level: logLevelSchema.optional(),
  step: logStepSchema.optional(),
});
export type WorkOrderLogsQuery = z.infer<typeof workOrderLogsQuerySchema>;

export const workOrderLogStreamQuerySchema = z.strictObject({
  level: logLevelSchema.optional(),
  step: logStepSchema.optional(),
  since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp' }).optional(),
});
export type WorkOrderLogStreamQuery = z.infer<typeof workOrderLogStreamQuerySchema>;
