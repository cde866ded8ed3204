import path from 'node:path';
import type { AppConfig } from '../config.js';
import { migrate } from './migrations.js';
import { PostgresDriver } from './postgres-driver.js';
import { RepositoriesTable } from './repositories-table.js';
import { SettingsAuditTable } from './settings-audit-table.js';
import { SettingsTable } from './settings-table.js';
import type { SqlDriver } from './sql-driver.js';
import { SqliteFileDriver } from './sqlite-driver.js';

/** Settings and configured repositories, in SQLite or PostgreSQL behind the same tables. */
export interface ConfigurationStore {
  readonly driver: SqlDriver;
  readonly settings: SettingsTable;
  readonly repositories: RepositoriesTable;
  readonly settingsAudit: SettingsAuditTable;
  /** Where the data lives, for logs and docs: the SQLite file, or `postgresql` (never the URL: it may hold a password). */
  readonly location: string;
  close(): Promise<void>;
}

export const sqliteFileName = 'awo.sqlite';

/** The SQLite file under the config folder, or PostgreSQL when AWO_DATABASE_URL is set; migrated before use. */
export async function openConfigurationStore(
  config: Pick<AppConfig, 'AWO_DATABASE_URL' | 'configDir'>,
  options: { onPoolError?: (error: Error) => void } = {},
): Promise<ConfigurationStore> {
  const driver = config.AWO_DATABASE_URL
    ? await PostgresDriver.open(config.AWO_DATABASE_URL, options.onPoolError)
    : await SqliteFileDriver.open(path.join(config.configDir, sqliteFileName));
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close();
    throw error;
  }
  const settingsAudit = new SettingsAuditTable(driver);
  return {
    driver,
    settings: new SettingsTable(driver, settingsAudit),
    repositories: new RepositoriesTable(driver),
    settingsAudit,
    location: driver instanceof SqliteFileDriver ? driver.filePath : 'postgresql',
    close: () => driver.close(),
  };
}
