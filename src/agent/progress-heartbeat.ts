/**
 * The heartbeat of a running agent step, driven by the agent's progress: a stream-json event, or CPU time of its
 * process tree growing. Temporal only learns that a step is alive while its agent moves; an agent silent and idle for
 * the whole idle window gets no more heartbeats, so even if stopping it here failed, the heartbeat timeout would end
 * the attempt. While the agent moves, beats repeat every `intervalMs` (a cancellation is delivered with a beat's
 * answer) and carry the latest details. Like the idle watchdog, the window opens at a run's first event: a CLI that
 * is still starting (slowly, on a loaded host) is not silent.
 */
export class ProgressHeartbeat {
  private lastProgressAt = Date.now();
  private starting = true;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly beat: () => void,
    private readonly options: { idleTimeoutMs: number; intervalMs: number; now?: () => number },
  ) {}

  start(): void {
    this.runStarted();
    this.timer = setInterval(() => {
      if (this.starting || this.now() - this.lastProgressAt < this.options.idleTimeoutMs) this.beat();
    }, this.options.intervalMs);
  }

  /** A run of the agent CLI was just spawned: alive, and not judged until its first event. */
  runStarted(): void {
    this.starting = true;
    this.beat();
  }

  /** The agent printed an event or used CPU: it is alive, say so now. */
  noteProgress(): void {
    this.starting = false;
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
