import { type AgentUsage, noUsage, roundCost } from '../models/work-order-budget.js';
import type { AgentEvent, TokenCounts } from './agent-types.js';

/** US dollars per million tokens, as Anthropic lists them; cache writes cost 1.25 times input, cache reads 0.1 times. */
interface Price {
  input: number;
  output: number;
}
const sonnetPrice: Price = { input: 3, output: 15 };

/** The list price of a model id or alias; unknown models are priced like Sonnet (the estimate only bridges until the CLI reports its cost). */
export function modelPrice(model: string | null): Price {
  const name = (model ?? '').toLowerCase();
  // Opus 4.5 and later cost a third of the earlier Opus models; the bare aliases name the latest.
  if (name.includes('opus')) return name === 'opus' || /opus-(4-[5-9]|[5-9])/.test(name) ? { input: 5, output: 25 } : { input: 15, output: 75 };
  if (name.includes('haiku')) return name === 'haiku' || /haiku-([4-9])/.test(name) ? { input: 1, output: 5 } : { input: 0.8, output: 4 };
  return sonnetPrice;
}

export function estimateCostUsd(model: string | null, tokens: TokenCounts): number {
  const price = modelPrice(model);
  return (tokens.input * price.input + tokens.cacheCreation * price.input * 1.25 + tokens.cacheRead * price.input * 0.1 + tokens.output * price.output) / 1e6;
}

function inputTokens(tokens: TokenCounts): number {
  return tokens.input + tokens.cacheCreation + tokens.cacheRead;
}

/**
 * What one agent CLI process has used, while it runs. Claude Code reports its cost only at the end of a turn (the
 * `result` line, cumulative over the process); until then each model call's usage (on the assistant lines) is priced
 * here, so a budget is enforced during a long turn and not after it. A result replaces the estimate with the CLI's
 * own figures.
 */
export class UsageMeter {
  /** Model calls since the last result, by message id (a message arrives as one line per content block). */
  private readonly unsettled = new Map<string, { model: string | null; tokens: TokenCounts }>();
  private settledTurns = 0;
  private settled: AgentUsage = noUsage;

  observe(event: AgentEvent): void {
    if (event.type === 'model_called') {
      this.unsettled.set(event.messageId, { model: event.model, tokens: event.tokens });
      return;
    }
    if (event.type !== 'result') return;
    const { result } = event;
    const current = this.usage();
    this.settledTurns += this.unsettled.size;
    this.settled = {
      // The CLI's cost also covers its auxiliary calls, which print no assistant line.
      cost_usd: result.costUsd ?? current.cost_usd,
      input_tokens: result.processTokens ? inputTokens(result.processTokens) : current.input_tokens,
      output_tokens: result.processTokens?.output ?? current.output_tokens,
      turns: this.settledTurns,
    };
    this.unsettled.clear();
  }

  /** Everything so far: the last result's figures plus the estimate for the model calls since. */
  usage(): AgentUsage {
    let costUsd = this.settled.cost_usd;
    let input = this.settled.input_tokens;
    let output = this.settled.output_tokens;
    for (const call of this.unsettled.values()) {
      costUsd += estimateCostUsd(call.model, call.tokens);
      input += inputTokens(call.tokens);
      output += call.tokens.output;
    }
    return { cost_usd: roundCost(costUsd), input_tokens: input, output_tokens: output, turns: this.settledTurns + this.unsettled.size };
  }
}
