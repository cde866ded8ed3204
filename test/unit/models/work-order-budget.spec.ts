import { addUsage, noBudgetLimits, passedLimit, usedUpLimit } from '../../../src/models/work-order-budget.js';

const usage = (cost_usd: number, turns = 0) => ({ cost_usd, input_tokens: 0, output_tokens: 0, turns });

describe('work-order budget', () => {
  it('names the first passed limit the way the user reads it', () => {
    expect(passedLimit({ ...noBudgetLimits, max_cost_usd: 1 }, { usage: usage(1.27), durationSeconds: 0 })).toBe('cost $1.27 of $1.00');
    expect(passedLimit({ ...noBudgetLimits, max_turns: 3 }, { usage: usage(0, 4), durationSeconds: 0 })).toBe('turns 4 of 3');
    expect(passedLimit({ ...noBudgetLimits, max_duration_seconds: 60 }, { usage: usage(0), durationSeconds: 60.4 })).toBe('duration 60 s of 60 s');
  });

  it('shows more digits where cents would read the same', () => {
    expect(passedLimit({ ...noBudgetLimits, max_cost_usd: 1 }, { usage: usage(1.0042), durationSeconds: 0 })).toBe('cost $1.0042 of $1.0000');
  });

  it('lets a step reach a limit, but not pass it; a reached limit leaves nothing for the next step', () => {
    const limits = { max_cost_usd: 1, max_turns: 3, max_duration_seconds: 100 };
    expect(passedLimit(limits, { usage: usage(1, 3), durationSeconds: 99 })).toBeNull();
    expect(usedUpLimit(limits, { usage: usage(0.5, 3), durationSeconds: 10 })).toBe('turns 3 of 3');
    expect(usedUpLimit(limits, { usage: usage(0.5, 2), durationSeconds: 10 })).toBeNull();
    expect(passedLimit(noBudgetLimits, { usage: usage(1e6, 1e6), durationSeconds: 1e9 })).toBeNull();
  });

  it('adds usage without floating-point dust', () => {
    expect(addUsage(usage(0.1, 1), usage(0.2, 2))).toEqual(usage(0.3, 3));
  });
});
