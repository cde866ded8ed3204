import { flushingLogs } from '../../../activities/flushing-logs.js';

/** A log store whose flush the test finishes by hand. */
function logs() {
  let flushes = 0;
  const pending: Array<() => void> = [];
  return {
    deps: { logs: { flush: () => ((flushes += 1), new Promise<void>((resolve) => pending.push(resolve))), append: () => undefined } as never },
    finish: () => pending.splice(0).forEach((resolve) => resolve()),
    flushes: () => flushes,
  };
}

const settledWithin = async (promise: Promise<unknown>) => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 20; turn += 1) await Promise.resolve();
  return settled;
};

describe('flushingLogs', () => {
  it('returns a step at once, without waiting for the log store', async () => {
    const store = logs();
    const activities = flushingLogs(store.deps, { runAgent: async () => 'result' });
    const run = activities.runAgent();
    expect(await settledWithin(run)).toBe(true);
    await expect(run).resolves.toBe('result');
    expect(store.flushes()).toBe(0);
  });

  it('completes the closing activity only once the log store has every entry', async () => {
    const store = logs();
    const activities = flushingLogs(store.deps, { cleanup: async () => 'cleaned' });
    const run = activities.cleanup();
    expect(await settledWithin(run)).toBe(false);
    store.finish();
    await expect(run).resolves.toBe('cleaned');
    expect(store.flushes()).toBe(1);
  });

  it('fails an activity only after its entries are stored, with its own error', async () => {
    const store = logs();
    const activities = flushingLogs(store.deps, {
      setupSandbox: async () => {
        throw new Error('clone refused');
      },
    });
    const run = activities.setupSandbox();
    expect(await settledWithin(run)).toBe(false);
    store.finish();
    await expect(run).rejects.toThrow('clone refused');
  });
});
