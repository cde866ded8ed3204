import type { AppConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { migrate } from '../store/migrations.js';
import { PostgresDriver } from '../store/postgres-driver.js';
import { BatchedLogWriter } from './batched-log-writer.js';
import { FileLogStore } from './file-log-store.js';
import { PostgresLogStore } from './postgres-log-store.js';
import type { WorkOrderLogStore } from './work-order-log-store.js';

/** PostgreSQL when AWO_DATABASE_URL is set (migrated before use), else the files under this host's work-order folder. */
export async function openWorkOrderLogStore(
  config: Pick<AppConfig, 'AWO_DATABASE_URL' | 'workOrderDir'>,
  options: { onPoolError?: (error: Error) => void } = {},
): Promise<WorkOrderLogStore> {
  if (!config.AWO_DATABASE_URL) return new FileLogStore(config.workOrderDir);
  const driver = await PostgresDriver.open(config.AWO_DATABASE_URL, options.onPoolError);
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close();
    throw error;
  }
  return new PostgresLogStore(driver, true);
}

/** Opens the store at the first call and keeps it; a failed open is not kept, so the next call tries again. */
export function lazyLogStore(open: () => Promise<WorkOrderLogStore>): { get(): Promise<WorkOrderLogStore>; close(): Promise<void> } {
  let opened: Promise<WorkOrderLogStore> | undefined;
  return {
    get: () => {
      opened ??= open().catch((error: unknown) => {
        opened = undefined;
        throw error;
      });
      return opened;
    },
    close: async () => {
      const store = await opened?.catch(() => undefined);
      opened = undefined;
      await store?.close();
    },
  };
}

/** A worker process's way into the log store: batched appends, the store itself (retention prunes it), and shutdown. */
export interface WorkerLogStore {
  writer: BatchedLogWriter;
  store(): Promise<WorkOrderLogStore>;
  /** Writes what is still queued, then closes the store. */
  close(): Promise<void>;
}

export function openWorkerLogStore(config: Pick<AppConfig, 'AWO_DATABASE_URL' | 'workOrderDir'>, logger: Logger): WorkerLogStore {
  const store = lazyLogStore(() =>
    openWorkOrderLogStore(config, { onPoolError: (error) => logger.warn({ event: 'logs_connection_lost', error: error.message }, 'logs_connection_lost') }),
  );
  const writer = new BatchedLogWriter({ store: store.get, logger });
  return {
    writer,
    store: store.get,
    close: async () => {
      await writer.flush().catch(() => undefined);
      await store.close();
    },
  };
}
