import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../src/logger.js';
import type { WorkOrderWorkers } from './worker.js';

export interface WorkerRestartLoop {
  sharedTaskQueue: string;
  hostTaskQueue: string;
  /** Settles once `shutdown()` was called and the workers running then have stopped. */
  running: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Keeps the workers running until shutdown: a worker that ends on its own (its poll failed for good while Temporal
 * was away) is created again after a backoff, so the host serves its task queues again once the server is back.
 * The first workers are created by the caller, so a configuration error still stops start-up.
 */
export function keepWorkersRunning(
  first: WorkOrderWorkers,
  recreate: () => Promise<WorkOrderWorkers>,
  logger: Logger,
  options: { initialBackoffMs?: number; maxBackoffMs?: number } = {},
): WorkerRestartLoop {
  const { initialBackoffMs = 1_000, maxBackoffMs = 30_000 } = options;
  let current: WorkOrderWorkers | null = first;
  let stopping = false;
  const stopSignal = new AbortController();

  const loop = async () => {
    let backoffMs = initialBackoffMs;
    for (;;) {
      if (current) {
        const startedAt = Date.now();
        const ended = await current.run().then(
          () => null,
          (error: unknown) => (error instanceof Error ? error.message.split('\n')[0] : String(error)),
        );
        current = null;
        if (stopping) return;
        // Workers that served a while count as healthy: the next failure restarts after the first backoff.
        if (Date.now() - startedAt >= 60_000) backoffMs = initialBackoffMs;
        logger.error({ event: 'worker_workers_stopped', error: ended, backoff_ms: backoffMs }, 'worker_workers_stopped');
      }
      const waited = await sleep(backoffMs, true, { signal: stopSignal.signal }).catch(() => false);
      if (!waited || stopping) return;
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      try {
        current = await recreate();
        // Shut down while they were being created: they never ran, so there is nothing to stop.
        if (stopping) return;
        logger.warn({ event: 'worker_workers_restarted' }, 'worker_workers_restarted');
      } catch (error) {
        logger.error({ event: 'worker_workers_restart_failed', error: error instanceof Error ? error.message.split('\n')[0] : String(error) }, 'worker_workers_restart_failed');
      }
    }
  };

  return {
    sharedTaskQueue: first.sharedTaskQueue,
    hostTaskQueue: first.hostTaskQueue,
    running: loop(),
    shutdown: async () => {
      stopping = true;
      stopSignal.abort();
      await current?.shutdown();
    },
  };
}
