/** One run of a workflow, as describe and list name it. */
export interface RunRef {
  workflowId: string;
  runId: string;
}

/** What one long poll of a run's history told: the id of its newest event, and where to go on (none once it closed). */
export interface HistoryPage {
  lastEventId?: number;
  nextPageToken?: Uint8Array;
}

/** Asks the server for the events after `token` (from the first one without), waiting for new ones when there are none. */
export type HistoryPoller = (run: RunRef, token: Uint8Array | undefined, signal: AbortSignal) => Promise<HistoryPage>;

export interface HistoryWatchLimits {
  /** Runs followed at once; past it the least recently read one is let go. */
  maxWatches: number;
  /** A run nobody read for this long is no longer followed. */
  idleMs: number;
  /** A closed run never changes, but a reset starts a new run under the same id: its describe is kept this long. */
  closedTtlMs: number;
  /** Polls that fail in a row before the run is let go (the next read starts over). */
  maxFailures: number;
  retryDelayMs: number;
}

/**
 * A poll of a UI every 20 ms asked the server for the same unchanged state about 50 times a second; one long poll per
 * followed run (Temporal's own "wait for new events") answers once per new event batch instead.
 */
export const defaultHistoryWatchLimits: HistoryWatchLimits = { maxWatches: 100, idleMs: 30_000, closedTtlMs: 5_000, maxFailures: 3, retryDelayMs: 200 };

interface Kept {
  /** The history length the answer reflects: it holds while the watch has seen exactly that many events. */
  length: number;
  value: unknown;
}

interface Watch {
  run: RunRef;
  /** Id of the newest event the long poll returned; -1 while nothing it returned can be trusted. */
  seen: number;
  /** The longest history a describe reported: a query answer counts only once the watch has caught up with it. */
  described: number;
  lastReadAt: number;
  abort: AbortController;
  kept: Map<string, Kept>;
}

/**
 * Answers about a running workflow kept for exactly as long as its history has not grown: the memo, search attributes
 * and every query answer change only with new events, which one long poll per run (Temporal's `waitNewEvent`) reports
 * as soon as the server writes them. Everything is still read from Temporal; a poll that fails drops what it kept.
 */
export class HistoryWatches {
  private readonly watches = new Map<string, Watch>();
  private readonly closed = new Map<string, { value: unknown; at: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly poll: HistoryPoller,
    private readonly limits: HistoryWatchLimits = defaultHistoryWatchLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.sweeper = setInterval(() => this.letGoIdle(), Math.max(1_000, limits.idleMs / 2));
    this.sweeper.unref();
  }

  /**
   * The describe of a workflow by id, kept while its run's history is the length this describe reported. `open` says
   * whether the described run can still change; `settled`, whether the answer may be kept at all: one taken while a
   * workflow task runs is not, since the long poll reported the events of a task's completion only with the next batch
   * (20-40 ms later on the dev server), and a work order's last task is the one that makes it `completed`.
   */
  async describe<T extends RunRef & { historyLength: number }>(
    workflowId: string,
    fetch: () => Promise<T>,
    open: (description: T) => boolean,
    settled: (description: T) => boolean = () => true,
  ): Promise<T> {
    const now = this.now();
    const closed = this.closed.get(workflowId);
    if (closed && now - closed.at < this.limits.closedTtlMs) return closed.value as T;
    const watch = this.watches.get(workflowId);
    if (watch) {
      watch.lastReadAt = now;
      const kept = this.keptOf(watch, 'describe');
      if (kept !== undefined) return kept as T;
    }
    const description = await fetch();
    if (!open(description)) {
      this.letGo(workflowId);
      this.closed.set(workflowId, { value: description, at: this.now() });
      if (this.closed.size > this.limits.maxWatches * 10) this.closed.delete(this.closed.keys().next().value!);
      return description;
    }
    if (this.stopped) return description;
    const followed = this.follow({ workflowId, runId: description.runId });
    followed.described = Math.max(followed.described, description.historyLength);
    if (settled(description)) followed.kept.set('describe', { length: description.historyLength, value: description });
    else followed.kept.delete('describe');
    return description;
  }

  /** A query's answer for this run, kept until its history grows; undefined (no worker answered) is never kept. */
  async query<T>(run: RunRef, name: string, fetch: () => Promise<T | undefined>): Promise<T | undefined> {
    const watch = this.watches.get(run.workflowId);
    if (!watch || watch.run.runId !== run.runId || watch.seen < watch.described) return fetch();
    watch.lastReadAt = this.now();
    const key = `query:${name}`;
    const kept = this.keptOf(watch, key);
    if (kept !== undefined) return kept as T;
    const seenBefore = watch.seen;
    const value = await fetch();
    if (value !== undefined && this.watches.get(run.workflowId) === watch && watch.seen === seenBefore) watch.kept.set(key, { length: seenBefore, value });
    return value;
  }

  /** Something this API did to the workflow (a signal, an update, a cancel): read it afresh, whatever the watch saw. */
  forget(workflowId: string): void {
    this.watches.get(workflowId)?.kept.clear();
    this.closed.delete(workflowId);
  }

  /** Number of runs followed now (for tests and health). */
  get followed(): number {
    return this.watches.size;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.sweeper);
    for (const workflowId of [...this.watches.keys()]) this.letGo(workflowId);
    this.closed.clear();
  }

  private keptOf(watch: Watch, key: string): unknown {
    const kept = watch.kept.get(key);
    return kept && kept.length === watch.seen ? kept.value : undefined;
  }

  private follow(run: RunRef): Watch {
    const existing = this.watches.get(run.workflowId);
    if (existing?.run.runId === run.runId) return existing;
    this.letGo(run.workflowId);
    if (this.watches.size >= this.limits.maxWatches) this.letGoLeastRecent();
    const watch: Watch = { run, seen: -1, described: 0, lastReadAt: this.now(), abort: new AbortController(), kept: new Map() };
    this.watches.set(run.workflowId, watch);
    void this.pollUntilDone(watch);
    return watch;
  }

  private async pollUntilDone(watch: Watch): Promise<void> {
    let token: Uint8Array | undefined;
    let failures = 0;
    while (!watch.abort.signal.aborted) {
      try {
        const page = await this.poll(watch.run, token, watch.abort.signal);
        if (watch.abort.signal.aborted) return;
        if (page.lastEventId !== undefined) watch.seen = page.lastEventId;
        failures = 0;
        if (!page.nextPageToken?.length) break;
        token = page.nextPageToken;
      } catch {
        if (watch.abort.signal.aborted) return;
        // Events may have come while the poll failed: nothing kept can be trusted, and reading starts over.
        watch.seen = -1;
        watch.kept.clear();
        token = undefined;
        failures += 1;
        if (failures >= this.limits.maxFailures) break;
        await new Promise((resolve) => setTimeout(resolve, this.limits.retryDelayMs).unref());
      }
    }
    // Closed (the next describe keeps it as closed) or given up: either way the next read asks the server.
    if (this.watches.get(watch.run.workflowId) === watch) this.letGo(watch.run.workflowId);
  }

  private letGo(workflowId: string): void {
    const watch = this.watches.get(workflowId);
    if (!watch) return;
    this.watches.delete(workflowId);
    watch.abort.abort();
  }

  private letGoLeastRecent(): void {
    let oldest: Watch | undefined;
    for (const watch of this.watches.values()) if (!oldest || watch.lastReadAt < oldest.lastReadAt) oldest = watch;
    if (oldest) this.letGo(oldest.run.workflowId);
  }

  private letGoIdle(): void {
    const now = this.now();
    for (const watch of [...this.watches.values()]) if (now - watch.lastReadAt > this.limits.idleMs) this.letGo(watch.run.workflowId);
    for (const [workflowId, closed] of [...this.closed]) if (now - closed.at >= this.limits.closedTtlMs) this.closed.delete(workflowId);
  }
}
