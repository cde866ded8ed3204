import { addUsage, type AgentUsage, type BudgetLimits, type BudgetSpent, passedLimit } from '../models/work-order-budget.js';

// setTimeout fires at once for anything longer.
const maxTimerMs = 2 ** 31 - 1;

/**
 * Watches one agent step against what is left of its work order's budget: the usage it reports as it goes, and the
 * time it runs. When a limit is passed it aborts `signal` (which stops the agent's process group) and keeps the reason.
 */
export class BudgetGuard {
  private readonly controller = new AbortController();
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private reason: string | null = null;
  private lastUsage: AgentUsage | null = null;

  constructor(
    private readonly budget: { limits: BudgetLimits; spent: BudgetSpent } | undefined,
    /** Seconds this step already ran in an earlier attempt (a worker that died), counted against the duration. */
    private readonly earlierSeconds = 0,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The limit passed, as the user reads it ("cost $1.27 of $1.00"), or null. */
  get exceeded(): string | null {
    return this.reason;
  }

  start(): void {
    const limit = this.budget?.limits.max_duration_seconds;
    if (!this.budget || limit === null || limit === undefined) return;
    const leftMs = (limit - this.budget.spent.durationSeconds - this.earlierSeconds) * 1000;
    this.timer = setTimeout(() => this.check(null), Math.min(Math.max(0, leftMs), maxTimerMs));
  }

  /** The step's usage so far (all its runs together). */
  noteUsage(usage: AgentUsage): void {
    this.check(usage);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private check(usage: AgentUsage | null): void {
    if (usage) this.lastUsage = usage;
    if (!this.budget || this.reason) return;
    const stepSeconds = this.earlierSeconds + (Date.now() - this.startedAt) / 1000;
    const spent: BudgetSpent = {
      usage: this.lastUsage ? addUsage(this.budget.spent.usage, this.lastUsage) : this.budget.spent.usage,
      durationSeconds: this.budget.spent.durationSeconds + stepSeconds,
    };
    const reason = passedLimit(this.budget.limits, spent);
    if (!reason) return;
    this.reason = reason;
    this.stop();
    this.controller.abort();
  }
}
