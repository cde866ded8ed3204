import { createLogger } from '../../../src/logger.js';
import { keepWorkersRunning } from '../../../temporal/worker/worker-restart-loop.js';
import type { WorkOrderWorkers } from '../../../temporal/worker/worker.js';

/** Workers whose run() ends when the test says so, the way a worker ends when its polls fail for good. */
function controllableWorkers() {
  let end!: (error?: Error) => void;
  const ran = new Promise<void>((resolve, reject) => {
    end = (error) => (error ? reject(error) : resolve());
  });
  let started = false;
  const workers: WorkOrderWorkers = {
    sharedTaskQueue: 'shared',
    hostTaskQueue: 'host',
    run: () => {
      started = true;
      return ran;
    },
    shutdown: async () => end(),
  };
  return { workers, end, started: () => started };
}

const logger = createLogger('silent');
const waitUntil = async (condition: () => boolean) => {
  for (let tries = 0; tries < 200 && !condition(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
};

describe('keepWorkersRunning', () => {
  it('creates and runs the workers again after they end on their own, until shutdown', async () => {
    const first = controllableWorkers();
    const replacements = [controllableWorkers(), controllableWorkers()];
    let created = 0;
    const recreate = async () => {
      const next = replacements[created]!;
      created += 1;
      return next.workers;
    };
    const loop = keepWorkersRunning(first.workers, recreate, logger, { initialBackoffMs: 1, maxBackoffMs: 4 });
    expect(first.started()).toBe(true);

    first.end(new Error('poll failed: transport error'));
    await waitUntil(() => replacements[0]!.started());
    replacements[0]!.end();
    await waitUntil(() => replacements[1]!.started());

    await loop.shutdown();
    await loop.running;
    expect(created).toBe(2);
  });

  it('keeps trying while creating the workers fails, and stops when shut down', async () => {
    const first = controllableWorkers();
    const later = controllableWorkers();
    let attempts = 0;
    const recreate = async () => {
      attempts += 1;
      if (attempts < 3) throw new Error('connection refused');
      return later.workers;
    };
    const loop = keepWorkersRunning(first.workers, recreate, logger, { initialBackoffMs: 1, maxBackoffMs: 2 });
    first.end(new Error('gone'));
    await waitUntil(() => later.started());
    await loop.shutdown();
    await loop.running;
    expect(attempts).toBe(3);
  });

  it('does not restart workers that were shut down', async () => {
    const first = controllableWorkers();
    let created = 0;
    const recreate = async () => {
      created += 1;
      return controllableWorkers().workers;
    };
    const loop = keepWorkersRunning(first.workers, recreate, logger, { initialBackoffMs: 1 });
    await loop.shutdown();
    await loop.running;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(created).toBe(0);
  });
});
