import type { AppConfig } from '../config.js';
import { migrate } from '../store/migrations.js';
import { PostgresDriver } from '../store/postgres-driver.js';
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
