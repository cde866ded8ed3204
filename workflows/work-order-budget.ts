import { patched } from '@temporalio/workflow';
import type { RunAgentInput, RunAgentResult } from '../activities/activity-types.js';
import { addUsage, type BudgetSpent, hasBudgetLimits, noUsage, usedUpLimit } from '../src/models/budget-usage.js';
import type { AgentWorkOrder, StepName } from '../src/models/work-order.js';
import { WorkOrderFailed } from './work-order-failure.js';
import type { WorkOrderRun } from './work-order-run.js';

/** Work orders started before budgets neither check them between steps nor hand them to their agents. */
export const budgetsPatch = 'awo-budgets';

/** A work order failed for passing its budget: its sandbox stays for people to inspect until retention removes it. */
export class BudgetExceeded extends WorkOrderFailed {}

/**
 * What is left of the budget for the next agent step, handed to its activity (which stops the agent when it passes a
 * limit). Fails the work order instead when a limit is already used up: no agent may start on nothing.
 */
export function budgetForStep(run: WorkOrderRun, step: StepName): RunAgentInput['budget'] {
  const limits = run.input.budget;
  if (!hasBudgetLimits(limits) || !patched(budgetsPatch)) return undefined;
  const spent = spentSoFar(run.record.state);
  const usedUp = usedUpLimit(limits, spent);
  if (usedUp) {
    run.record.keepSandbox = true;
    throw new BudgetExceeded(`budget exceeded: ${usedUp} before step ${step}`);
  }
  return { limits, spent };
}

export function spentSoFar(state: AgentWorkOrder): BudgetSpent {
  const { cost_usd, input_tokens, output_tokens, turns } = state;
  return { usage: { cost_usd, input_tokens, output_tokens, turns }, durationSeconds: state.agent_duration_seconds };
}

/** The work order's totals once a step has run: its usage and running time added. */
export function totalsAfter(state: AgentWorkOrder, result: RunAgentResult): Partial<AgentWorkOrder> {
  const spent = spentSoFar(state);
  return { ...addUsage(spent.usage, result.usage ?? noUsage), agent_duration_seconds: Math.round((spent.durationSeconds + result.durationSeconds) * 1000) / 1000 };
}
