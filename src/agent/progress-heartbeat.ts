/**
 * The heartbeat of a running agent step, driven by the agent's progress: a stream-json event, or CPU time of its
 * process tree growing. Temporal only learns that a step is alive while its agent moves; an agent silent and idle for
 * the whole idle window gets no more heartbeats, so even if stopping it here failed, the heartbeat timeout would end
 * the attempt. While the agent moves, beats repeat every `intervalMs` (a cancellation is delivered with a beat's
 * answer) and carry the latest details.
 */
export class ProgressHeartbeat {
  private lastProgressAt = Date.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly beat: () => void,
    private readonly options: { idleTimeoutMs: number; intervalMs: number; now?: () => number },
  ) {}

  start(): void {
    this.noteProgress();
    this.timer = setInterval(() => {
      if (this.now() - this.lastProgressAt < this.options.idleTimeoutMs) this.beat();
    }, this.options.intervalMs);
  }

  /** The agent printed an event or used CPU (or a run of it just started): it is alive, say so now. */
  noteProgress(): void {
    this.lastProgressAt = this.now();
    this.beat();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
