import type { AgentUsage, BudgetLimits } from './work-order-budget.js';

/*
 * Budget arithmetic without zod (the schemas are in work-order-budget.ts): the workflow bundle imports this, and every
 * module it imports is evaluated again for each workflow run in the worker's sandbox.
 */

export const budgetLimitNames = ['max_cost_usd', 'max_turns', 'max_duration_seconds'] as const;
export type BudgetLimitName = (typeof budgetLimitNames)[number];

export const noBudgetLimits: BudgetLimits = { max_cost_usd: null, max_turns: null, max_duration_seconds: null };
export const noUsage: AgentUsage = { cost_usd: 0, input_tokens: 0, output_tokens: 0, turns: 0 };

export function addUsage(a: AgentUsage, b: AgentUsage): AgentUsage {
  return {
    cost_usd: roundCost(a.cost_usd + b.cost_usd),
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    turns: a.turns + b.turns,
  };
}

/** Micro-dollars: sums of floating-point costs must not show as 0.30000000000000004. */
export function roundCost(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** What a work order has used so far against its limits (duration: the seconds its agents ran). */
export interface BudgetSpent {
  usage: AgentUsage;
  durationSeconds: number;
}

/** A limit that `spent` has passed, as the user reads it: "cost $1.27 of $1.00". Null when every limit holds. */
export function passedLimit(limits: BudgetLimits, spent: BudgetSpent): string | null {
  if (limits.max_cost_usd !== null && spent.usage.cost_usd > limits.max_cost_usd) return costOf(spent.usage.cost_usd, limits.max_cost_usd);
  if (limits.max_turns !== null && spent.usage.turns > limits.max_turns) return `turns ${spent.usage.turns} of ${limits.max_turns}`;
  if (limits.max_duration_seconds !== null && spent.durationSeconds >= limits.max_duration_seconds) {
    return `duration ${Math.floor(spent.durationSeconds)} s of ${limits.max_duration_seconds} s`;
  }
  return null;
}

/** A limit with nothing left of it: no further agent step may start. Turns and cost count as used up when reached. */
export function usedUpLimit(limits: BudgetLimits, spent: BudgetSpent): string | null {
  if (limits.max_cost_usd !== null && spent.usage.cost_usd >= limits.max_cost_usd) return costOf(spent.usage.cost_usd, limits.max_cost_usd);
  if (limits.max_turns !== null && spent.usage.turns >= limits.max_turns) return `turns ${spent.usage.turns} of ${limits.max_turns}`;
  return passedLimit({ ...limits, max_cost_usd: null, max_turns: null }, spent);
}

export function hasBudgetLimits(limits: BudgetLimits | undefined): limits is BudgetLimits {
  return limits !== undefined && budgetLimitNames.some((name) => limits[name] !== null);
}

/** Cents, unless the two would read the same ("$1.00 of $1.00" for $1.004). */
function costOf(spentUsd: number, limitUsd: number): string {
  const digits = spentUsd.toFixed(2) === limitUsd.toFixed(2) ? 4 : 2;
  return `cost $${spentUsd.toFixed(digits)} of $${limitUsd.toFixed(digits)}`;
}
