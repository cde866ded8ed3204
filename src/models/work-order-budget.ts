import { z } from 'zod';
import type { BudgetLimitName } from './budget-usage.js';

export {
  addUsage,
  type BudgetLimitName,
  budgetLimitNames,
  type BudgetSpent,
  hasBudgetLimits,
  noBudgetLimits,
  noUsage,
  passedLimit,
  roundCost,
  usedUpLimit,
} from './budget-usage.js';

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
} satisfies Record<BudgetLimitName, z.ZodNumber>;

/** The limits in force for a work order, fixed when it starts (null: no limit). */
export const budgetLimitsSchema = z
  .object({
    max_cost_usd: budgetLimitRules.max_cost_usd.nullable(),
    max_turns: budgetLimitRules.max_turns.nullable(),
    max_duration_seconds: budgetLimitRules.max_duration_seconds.nullable(),
  })
  .meta({ id: 'BudgetLimits' });
export type BudgetLimits = z.infer<typeof budgetLimitsSchema>;

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
