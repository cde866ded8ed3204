import { z } from 'zod';

/**
 * The limits of one work order, each optional. Every agent step of the work order counts against them together (the
 * steps' cost, turns and running time add up); a step whose agent passes a limit is stopped and the work order fails.
 * Upper bounds only catch typos (a cost of 100000 dollars is a mistake, not a budget).
 */
export const budgetLimitRules = {
  max_cost_usd: z
    .number({ message: 'must be a number' })
    .positive('must be more than 0')
    .max(10_000, 'must be at most 10000')
    .meta({ description: 'US dollars the agents of this work order may spend in total, as Claude Code computes cost', example: 5 }),
  max_turns: z
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-100000')
    .max(100_000, 'must be 1-100000')
    .meta({ description: 'model calls (agentic turns) the agents of this work order may make in total', example: 200 }),
  max_duration_seconds: z
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-2592000')
    .max(30 * 24 * 3600, 'must be 1-2592000')
    .meta({ description: 'seconds the agents of this work order may run in total (waits for a slot, git and the pull request do not count)', example: 3600 }),
};
export type BudgetLimitName = keyof typeof budgetLimitRules;
export const budgetLimitNames = Object.keys(budgetLimitRules) as BudgetLimitName[];

/** The limits in force for a work order, fixed when it starts (null: no limit). */
export const budgetLimitsSchema = z
  .object({
    max_cost_usd: budgetLimitRules.max_cost_usd.nullable(),
    max_turns: budgetLimitRules.max_turns.nullable(),
    max_duration_seconds: budgetLimitRules.max_duration_seconds.nullable(),
  })
  .meta({ id: 'BudgetLimits' });
export type BudgetLimits = z.infer<typeof budgetLimitsSchema>;
export const noBudgetLimits: BudgetLimits = { max_cost_usd: null, max_turns: null, max_duration_seconds: null };

/** What agents used: of one step, or of a whole work order (the sum of its steps). */
export const agentUsageSchema = z
  .object({
    cost_usd: z.number().meta({ description: 'US dollars, as Claude Code reports them (estimated from token usage for a run stopped before its result)' }),
    input_tokens: z.number().int().meta({ description: 'input tokens, cache reads and writes included' }),
    output_tokens: z.number().int(),
    turns: z.number().int().meta({ description: 'model calls of the agentic loop' }),
  })
  .meta({ id: 'AgentUsage' });
export type AgentUsage = z.infer<typeof agentUsageSchema>;
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
