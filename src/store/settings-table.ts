import type { SettingsActor, SettingsAuditTable } from './settings-audit-table.js';
import type { SqlDriver } from './sql-driver.js';

/** One stored setting as it is on disk: `value` is JSON text, or a sealed secret when `encrypted`. */
export interface StoredSettingRow {
  key: string;
  value: string;
  encrypted: boolean;
  updated_at: string;
}

export interface SettingsChange {
  set: Array<{ key: string; value: string; encrypted: boolean }>;
  /** Keys whose stored value is removed, so the environment or the default applies again. */
  clear: string[];
}

/** The settings table: rows in, rows out; what the values mean is the SettingsService's business. */
export class SettingsTable {
  constructor(
    private readonly driver: SqlDriver,
    /** When given, every applied change with an actor is recorded in it, in the same transaction. */
    private readonly audit?: SettingsAuditTable,
  ) {}

  async list(): Promise<StoredSettingRow[]> {
    const rows = await this.driver.query<{ key: string; value: string; encrypted: number; updated_at: string }>(
      'SELECT key, value, encrypted, updated_at FROM settings ORDER BY key',
    );
    return rows.map((row) => ({ key: row.key, value: row.value, encrypted: Number(row.encrypted) === 1, updated_at: row.updated_at }));
  }

  /** All of a change lands together: a PUT that sets three settings never leaves two of them saved. */
  async apply(change: SettingsChange, now = new Date().toISOString(), actor?: SettingsActor): Promise<void> {
    await this.driver.transaction(async (tx) => {
      if (actor && this.audit) {
        const changes = [...change.set.map(({ key }) => ({ field: key, action: 'set' as const })), ...change.clear.map((key) => ({ field: key, action: 'cleared' as const }))];
        await this.audit.append(tx, actor, changes, now);
      }
      for (const { key, value, encrypted } of change.set) {
        await tx.execute(
          `INSERT INTO settings (key, value, encrypted, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, encrypted = excluded.encrypted, updated_at = excluded.updated_at`,
          [key, value, encrypted ? 1 : 0, now],
        );
      }
      for (const key of change.clear) await tx.execute('DELETE FROM settings WHERE key = $1', [key]);
    });
  }
}
