import { setImmediate as turn } from 'node:timers/promises';
import { type HistoryPage, type HistoryWatchLimits, HistoryWatches, type RunRef } from '../../../api/work-orders/history-watches.js';

interface Description extends RunRef {
  historyLength: number;
  open: boolean;
  label: string;
}

/** A history server the test drives: each poll waits until the test answers it. */
function historyServer() {
  const polls: Array<{ run: RunRef; token: Uint8Array | undefined; answer: (page: HistoryPage) => void; fail: (error: Error) => void; signal: AbortSignal }> = [];
  return {
    poll: (run: RunRef, token: Uint8Array | undefined, signal: AbortSignal) =>
      new Promise<HistoryPage>((resolve, reject) => {
        polls.push({ run, token, answer: resolve, fail: reject, signal });
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      }),
    /** Answers the oldest waiting poll with events up to `lastEventId` (open run: a token to go on). */
    async events(lastEventId: number | undefined, options: { closed?: boolean } = {}) {
      await turn();
      const poll = polls.shift();
      if (!poll) throw new Error('no poll is waiting');
      poll.answer({ ...(lastEventId !== undefined ? { lastEventId } : {}), ...(options.closed ? {} : { nextPageToken: new Uint8Array([lastEventId ?? 0]) }) });
      await turn();
    },
    async failNext() {
      await turn();
      polls.shift()!.fail(new Error('unavailable'));
      await turn();
    },
    waiting: () => polls.filter((poll) => !poll.signal.aborted),
  };
}

const limits: HistoryWatchLimits = { maxWatches: 2, idleMs: 10_000, closedTtlMs: 5_000, maxFailures: 2, retryDelayMs: 1 };
const run = (workflowId: string, runId = 'r1'): RunRef => ({ workflowId, runId });

describe('HistoryWatches', () => {
  let clock = 0;
  let watches: HistoryWatches;
  let server: ReturnType<typeof historyServer>;
  const describer = () => {
    let calls = 0;
    let next: Description = { ...run('wo-1'), historyLength: 5, open: true, label: 'first' };
    return {
      set: (description: Partial<Description>) => (next = { ...next, ...description }),
      describe: () => watches.describe(next.workflowId, async () => ((calls += 1), next), (description) => description.open),
      calls: () => calls,
    };
  };
  beforeEach(() => {
    clock = 0;
    server = historyServer();
    watches = new HistoryWatches(server.poll, limits, () => clock);
  });
  afterEach(() => watches.stop());

  it('keeps no describe taken while a workflow task was in flight: the next one asks again', async () => {
    let calls = 0;
    let inFlight = true;
    const describe = () =>
      watches.describe(
        'wo-1',
        async () => ((calls += 1), { ...run('wo-1'), historyLength: 5, open: true, label: inFlight ? 'task running' : 'settled' }),
        (description) => description.open,
        (description) => description.label === 'settled',
      );
    await describe();
    await server.events(5);
    await describe();
    await describe();
    expect(calls).toBe(3);
    inFlight = false;
    await expect(describe()).resolves.toMatchObject({ label: 'settled' });
    await describe();
    expect(calls).toBe(4);
  });

  it('answers a describe again without asking while the history has not grown, and asks once it has', async () => {
    const source = describer();
    await expect(source.describe()).resolves.toMatchObject({ label: 'first' });
    // Not caught up yet: the watch has not read the history up to the described length.
    await source.describe();
    expect(source.calls()).toBe(2);
    await server.events(5);
    await source.describe();
    await source.describe();
    expect(source.calls()).toBe(2);
    source.set({ historyLength: 7, label: 'second' });
    await server.events(7);
    await expect(source.describe()).resolves.toMatchObject({ label: 'second' });
    await expect(source.describe()).resolves.toMatchObject({ label: 'second' });
    expect(source.calls()).toBe(3);
  });

  it('keeps nothing from a describe older than what the watch has seen', async () => {
    const source = describer();
    await source.describe();
    await server.events(6);
    await source.describe();
    expect(source.calls()).toBe(2);
  });

  it('keeps a query answer only once caught up, and not when an event came while it was asked', async () => {
    const source = describer();
    await source.describe();
    let answers = 0;
    const ask = () => watches.query(run('wo-1'), 'steps', async () => `steps-${(answers += 1)}`);
    await expect(ask()).resolves.toBe('steps-1');
    await server.events(5);
    await expect(ask()).resolves.toBe('steps-2');
    await expect(ask()).resolves.toBe('steps-2');
    const racing = watches.query(run('wo-1'), 'progress', async () => {
      await server.events(6);
      return 'during';
    });
    await expect(racing).resolves.toBe('during');
    await expect(watches.query(run('wo-1'), 'progress', async () => 'after')).resolves.toBe('after');
    await expect(ask()).resolves.toBe('steps-3');
    await expect(watches.query(run('wo-1'), 'unanswered', async () => undefined)).resolves.toBeUndefined();
    await expect(watches.query(run('wo-1', 'other-run'), 'steps', async () => 'other')).resolves.toBe('other');
  });

  it('keeps a closed run for its time to live and stops following it', async () => {
    const source = describer();
    await source.describe();
    await server.events(5);
    expect(watches.followed).toBe(1);
    source.set({ historyLength: 6, open: false, label: 'closed' });
    await server.events(6, { closed: true });
    expect(watches.followed).toBe(0);
    await expect(source.describe()).resolves.toMatchObject({ label: 'closed' });
    clock = 4_000;
    await source.describe();
    expect(source.calls()).toBe(2);
    clock = 9_500;
    await source.describe();
    expect(source.calls()).toBe(3);
    expect(server.waiting()).toHaveLength(0);
  });

  it('drops what it kept when a poll fails, and lets the run go after failures in a row', async () => {
    const source = describer();
    await source.describe();
    await server.events(5);
    await server.failNext();
    await source.describe();
    expect(source.calls()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await server.failNext();
    expect(watches.followed).toBe(0);
  });

  it('forgets a work order this API changed, and lets the least recently read run go past its limit', async () => {
    const first = describer();
    await first.describe();
    await server.events(5);
    watches.forget('wo-1');
    await first.describe();
    expect(first.calls()).toBe(2);
    clock = 10;
    const second = describer();
    second.set(run('wo-2'));
    await second.describe();
    clock = 20;
    const third = describer();
    third.set(run('wo-3'));
    await third.describe();
    expect(watches.followed).toBe(2);
    await first.describe();
    expect(first.calls()).toBe(3);
  });
});
