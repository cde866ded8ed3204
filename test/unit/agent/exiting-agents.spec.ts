import { ExitingAgents } from '../../../src/agent/exiting-agents.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

async function settledWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

describe('ExitingAgents', () => {
  it('lets the next user of a sandbox through at once when no agent of the work order is exiting', async () => {
    const exits = new ExitingAgents();
    expect(await settledWithin(exits.gone('wo-none', 60_000), 50)).toBe(true);
  });

  it('holds the next user of the sandbox until the exiting agent is gone, and only that work order', async () => {
    const exits = new ExitingAgents();
    const exit = deferred();
    exits.hold('wo-1', exit.promise);

    const next = exits.gone('wo-1', 60_000);
    expect(await settledWithin(next, 50)).toBe(false);
    expect(await settledWithin(exits.gone('wo-2', 60_000), 50)).toBe(true);
    exit.resolve();
    expect(await settledWithin(next, 50)).toBe(true);
    // Once gone, it is forgotten.
    expect(await settledWithin(exits.gone('wo-1', 60_000), 50)).toBe(true);
  });

  it('gives up waiting after the given time, so the caller can kill what is left', async () => {
    const exits = new ExitingAgents();
    exits.hold('wo-hung', deferred().promise);
    const startedAt = Date.now();

    await exits.gone('wo-hung', 100);

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(95);
  });

  it('waits for the latest agent of the work order when a newer one was held', async () => {
    const exits = new ExitingAgents();
    const older = deferred();
    const newer = deferred();
    exits.hold('wo-1', older.promise);
    exits.hold('wo-1', newer.promise);
    older.resolve();

    expect(await settledWithin(exits.gone('wo-1', 60_000), 50)).toBe(false);
    newer.resolve();
    expect(await settledWithin(exits.gone('wo-1', 60_000), 50)).toBe(true);
  });
});
