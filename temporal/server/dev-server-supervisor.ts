import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../src/logger.js';
import { type DevServerHandle, type DevServerOptions, startDevServer } from './dev-server.js';

export interface SupervisedDevServer {
  address: string;
  uiUrl: string;
  /** The pid of the server running now (it changes with each restart). */
  pid(): number;
  /** Stops the server and ends supervision: no restart after this. */
  stop(): Promise<void>;
}

export interface SupervisionOptions {
  /** First wait before a restart; doubled after each failed start, up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A server that stayed up this long counts as healthy again: the next crash restarts after the first backoff. */
  stableAfterMs?: number;
}

/**
 * The embedded dev server, restarted when it dies on its own: on the same database file and ports, so histories
 * survive and the API's and worker's connections find it again where they left it. Restarts back off exponentially
 * so a server that cannot start (disk full, port taken) does not spin.
 */
export async function superviseDevServer(options: DevServerOptions, supervision: SupervisionOptions = {}): Promise<SupervisedDevServer> {
  const { initialBackoffMs = 1_000, maxBackoffMs = 30_000, stableAfterMs = 60_000 } = supervision;
  const logger: Logger = options.logger;
  let current: DevServerHandle = await startDevServer(options);
  let stopping = false;
  const stopSignal = new AbortController();

  const supervise = async () => {
    let backoffMs = initialBackoffMs;
    for (;;) {
      const startedAt = Date.now();
      const exit = await current.exited;
      if (stopping) return;
      if (Date.now() - startedAt >= stableAfterMs) backoffMs = initialBackoffMs;
      for (let attempt = 1; ; attempt += 1) {
        logger.warn({ event: 'temporal_dev_server_restart_scheduled', code: exit.code, signal: exit.signal, attempt, backoff_ms: backoffMs }, 'temporal_dev_server_restart_scheduled');
        const waited = await sleep(backoffMs, true, { signal: stopSignal.signal }).catch(() => false);
        if (!waited || stopping) return;
        try {
          current = await startDevServer(options);
          // stop() came while this one was starting: it stops the server it saw, so this one is stopped here.
          if (stopping) return void (await current.stop());
          logger.warn({ event: 'temporal_dev_server_restarted', pid: current.pid, attempt, db_file: options.dbFile ?? null }, 'temporal_dev_server_restarted');
          // A crash loop waits longer each time; a server that then stays up resets the wait (stableAfterMs).
          backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
          break;
        } catch (error) {
          logger.error({ event: 'temporal_dev_server_restart_failed', attempt, error: error instanceof Error ? error.message.split('\n')[0] : String(error) }, 'temporal_dev_server_restart_failed');
          backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
        }
      }
    }
  };
  const supervising = supervise();

  return {
    address: current.address,
    uiUrl: current.uiUrl,
    pid: () => current.pid,
    stop: async () => {
      stopping = true;
      stopSignal.abort();
      // The supervisor waits for the server to exit, so the server is stopped first (awaiting the supervisor first
      // waited forever: Ctrl-C never ended `npm start`).
      await current.stop();
      await supervising;
    },
  };
}
