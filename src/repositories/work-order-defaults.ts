import { requestedSteps } from '../models/work-order-request.js';
import { type WorkOrderStep, workflowTypeSchema, workOrderStepSchema } from '../models/work-order.js';
import type { RepositoryCatalog } from './repository-catalog.js';

/**
 * Fills `sandbox_type` and `selected_commands` of a create-work-order body from the configured repository its
 * `repository_url` names, where the body leaves them out. Call it on the raw body, before validation: after it, the
 * schema's own defaults have filled those fields and "not given" can no longer be told apart from "given".
 * Explicit values always win; `workflow_type` counts as choosing the steps. Anything else passes through unchanged.
 * A repository's plan approval applies only to work orders that plan: a body choosing steps without a planning step is
 * not refused for a default it did not ask for.
 */
export async function applyConfiguredRepositoryDefaults(body: unknown, catalog: Pick<RepositoryCatalog, 'findByUrl'>): Promise<unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const request = body as Record<string, unknown>;
  if (typeof request.repository_url !== 'string') return body;
  const configured = await catalog.findByUrl(request.repository_url);
  if (!configured) return body;
  const choseSteps = request.selected_commands !== undefined || request.workflow_type !== undefined;
  const steps = choseSteps ? stepsChosenBy(request) : configured.default_commands;
  return {
    ...request,
    ...(request.sandbox_type === undefined ? { sandbox_type: configured.default_sandbox_type } : {}),
    ...(choseSteps ? {} : { selected_commands: [...configured.default_commands] }),
    ...(request.approval === undefined && configured.default_approval === 'plan' && steps?.includes('planning') ? { approval: 'plan' } : {}),
  };
}

/** The steps a raw body names, or undefined when they are not valid (validation will say so). */
function stepsChosenBy(request: Record<string, unknown>): WorkOrderStep[] | undefined {
  const selected = workOrderStepSchema.array().safeParse(request.selected_commands);
  const workflowType = workflowTypeSchema.safeParse(request.workflow_type);
  if (request.selected_commands !== undefined) return selected.success ? selected.data : undefined;
  return workflowType.success ? requestedSteps({ workflow_type: workflowType.data }) : undefined;
}
