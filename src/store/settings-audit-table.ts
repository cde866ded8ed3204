import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from './sql-driver.js';

/** Who changed a setting: the token holder, a signed-in browser, or an anonymous caller on loopback. */
export interface SettingsActor {
  kind: 'token' | 'session' | 'anonymous';
  remote_address: string | null;
}

/** One changed setting: names and actions only, never a value (a token must not end up here). */
export interface SettingsAuditEntry {
  id: string;
  at: string;
  actor: SettingsActor['kind'];
  remote_address: string | null;
  field: string;
  action: 'set' | 'cleared';
}

/** The settings audit log: appended in the same transaction as the change it records. */
export class SettingsAuditTable {
  constructor(private readonly executor: SqlExecutor) {}

  async append(tx: SqlExecutor, actor: SettingsActor, changes: Array<{ field: string; action: SettingsAuditEntry['action'] }>, at: string): Promise<void> {
    for (const { field, action } of changes) {
      await tx.execute('INSERT INTO settings_audit (id, at, actor, remote_address, field, action) VALUES ($1, $2, $3, $4, $5, $6)', [
        randomUUID(),
        at,
        actor.kind,
        actor.remote_address,
        field,
        action,
      ]);
    }
  }

  /** Newest first. */
  async list(limit: number, offset: number): Promise<{ entries: SettingsAuditEntry[]; total: number }> {
    const [count] = await this.executor.query<{ total: number }>('SELECT COUNT(*) AS total FROM settings_audit');
    const rows = await this.executor.query<Record<string, unknown>>(
      'SELECT id, at, actor, remote_address, field, action FROM settings_audit ORDER BY at DESC, id DESC LIMIT $1 OFFSET $2',
      [limit, offset],
    );
    return {
      total: Number(count?.total ?? 0),
      entries: rows.map((row) => ({
        id: String(row.id),
        at: String(row.at),
        actor: row.actor as SettingsActor['kind'],
        remote_address: row.remote_address === null ? null : String(row.remote_address),
        field: String(row.field),
        action: row.action as SettingsAuditEntry['action'],
      })),
    };
  }
}
