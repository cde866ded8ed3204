import type { AgentEvent, AgentResult } from '../../../src/agent/agent-types.js';
import { estimateCostUsd, modelPrice, UsageMeter } from '../../../src/agent/usage-meter.js';

const call = (messageId: string, input: number, output = 1, model = 'claude-sonnet-5'): AgentEvent => ({
  type: 'model_called',
  messageId,
  model,
  tokens: { input, cacheCreation: 0, cacheRead: 0, output },
});

function result(costUsd: number | null, processTokens: AgentResult['processTokens']): AgentEvent {
  return {
    type: 'result',
    result: { sessionId: 's', isError: false, resultText: 'ok', costUsd, numTurns: 1, durationMs: 1, usage: null, processTokens, subtype: 'success' },
  };
}

describe('UsageMeter', () => {
  it('prices model calls while a turn runs, counting a message split over several lines once', () => {
    const meter = new UsageMeter();
    meter.observe(call('msg_1', 100_000));
    meter.observe(call('msg_1', 100_000));
    meter.observe(call('msg_2', 100_000, 1000));

    expect(meter.usage()).toEqual({ cost_usd: 0.615015, input_tokens: 200_000, output_tokens: 1001, turns: 2 });
  });

  it('takes the CLI\'s own figures at a result (cumulative per process) and estimates only the calls after it', () => {
    const meter = new UsageMeter();
    meter.observe(call('msg_1', 100));
    meter.observe(result(0.5, { input: 300, cacheCreation: 0, cacheRead: 0, output: 60 }));
    expect(meter.usage()).toEqual({ cost_usd: 0.5, input_tokens: 300, output_tokens: 60, turns: 1 });

    meter.observe(call('msg_2', 1_000_000));
    expect(meter.usage()).toEqual({ cost_usd: 3.500015, input_tokens: 1_000_300, output_tokens: 61, turns: 2 });
    meter.observe(result(3.75, { input: 1_000_400, cacheCreation: 0, cacheRead: 0, output: 90 }));
    expect(meter.usage()).toEqual({ cost_usd: 3.75, input_tokens: 1_000_400, output_tokens: 90, turns: 2 });
  });

  it('keeps its estimate when a result carries no cost', () => {
    const meter = new UsageMeter();
    meter.observe(call('msg_1', 1_000_000));
    meter.observe(result(null, null));
    expect(meter.usage()).toEqual({ cost_usd: 3.000015, input_tokens: 1_000_000, output_tokens: 1, turns: 1 });
  });
});

describe('model prices', () => {
  it.each([
    ['claude-sonnet-4-5', 3, 15],
    ['sonnet', 3, 15],
    ['opus', 5, 25],
    ['claude-opus-4-5-20251101', 5, 25],
    ['claude-opus-4-1-20250805', 15, 75],
    ['claude-haiku-4-5', 1, 5],
    ['claude-3-5-haiku-20241022', 0.8, 4],
    ['some-new-model', 3, 15],
  ])('%s costs $%d / $%d per million tokens', (model, input, output) => {
    expect(modelPrice(model)).toEqual({ input, output });
  });

  it('prices cache writes at 1.25 and cache reads at 0.1 times input', () => {
    expect(estimateCostUsd('sonnet', { input: 0, cacheCreation: 1_000_000, cacheRead: 1_000_000, output: 0 })).toBeCloseTo(3.75 + 0.3, 10);
  });
});
