import type { SqlDriver, SqlExecutor, SqlValue } from '../store/sql-driver.js';
import { groupByWorkOrder } from './file-log-store.js';
import type { NumberedLogEntry } from './log-entries.js';
import type { WorkOrderLogEntry } from '../models/work-order-log-entry.js';
import type { LogFollower, LogPage, LogPageQuery, WorkOrderLogStore } from './work-order-log-store.js';

/** Rows per query while following: bounds one round trip, not what a call returns. */
const followPageRows = 1_000;

/**
 * Logs in PostgreSQL (tables of migration 2): what every API and worker replica shares when AWO_DATABASE_URL is set.
 * A work order's head row holds its last position; appending bumps it in the batch's transaction, so positions are
 * dense and a concurrent writer waits on that row until the batch commits — a reader never sees position n+1
 * before n.
 */
export class PostgresLogStore implements WorkOrderLogStore {
  readonly kind = 'postgresql' as const;

  constructor(
    private readonly driver: SqlDriver,
    private readonly ownsDriver: boolean,
  ) {}

  async append(entries: readonly WorkOrderLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Heads are locked in id order, so two batches touching the same work orders cannot deadlock.
    const groups = [...groupByWorkOrder(entries)].sort(([a], [b]) => a.localeCompare(b));
    await this.driver.transaction(async (tx) => {
      for (const [agentWorkOrderId, group] of groups) await appendGroup(tx, agentWorkOrderId, group);
    });
  }

  async page(agentWorkOrderId: string, query: LogPageQuery): Promise<LogPage> {
    const params: SqlValue[] = [agentWorkOrderId];
    let where = 'agent_work_order_id = $1';
    if (query.level) where += ` AND level = $${params.push(query.level)}`;
    if (query.step) where += ` AND step = $${params.push(query.step)}`;
    const [count] = await this.driver.query<{ total: string | number }>(`SELECT count(*) AS total FROM work_order_logs WHERE ${where}`, params);
    const rows = await this.driver.query<{ entry: string }>(
      `SELECT entry FROM work_order_logs WHERE ${where} ORDER BY seq LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    );
    return { entries: rows.map((row) => JSON.parse(row.entry) as WorkOrderLogEntry), total: Number(count?.total ?? 0) };
  }

  follow(agentWorkOrderId: string, afterSeq: number): LogFollower {
    let lastSeq = afterSeq;
    return {
      readNew: async () => {
        const read: NumberedLogEntry[] = [];
        for (;;) {
          const rows = await this.driver.query<{ seq: number; entry: string }>(
            'SELECT seq, entry FROM work_order_logs WHERE agent_work_order_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
            [agentWorkOrderId, lastSeq, followPageRows],
          );
          for (const row of rows) read.push({ seq: Number(row.seq), entry: JSON.parse(row.entry) as WorkOrderLogEntry });
          if (rows.length > 0) lastSeq = Number(rows.at(-1)!.seq);
          if (rows.length < followPageRows) return read;
        }
      },
    };
  }

  async findExpired(cutoff: Date): Promise<string[]> {
    const rows = await this.driver.query<{ agent_work_order_id: string }>(
      'SELECT agent_work_order_id FROM work_order_log_heads WHERE last_timestamp < $1 ORDER BY agent_work_order_id',
      [cutoff.toISOString()],
    );
    return rows.map((row) => row.agent_work_order_id);
  }

  async remove(agentWorkOrderIds: readonly string[]): Promise<void> {
    for (const agentWorkOrderId of agentWorkOrderIds) {
      await this.driver.transaction(async (tx) => {
        await tx.execute('DELETE FROM work_order_log_heads WHERE agent_work_order_id = $1', [agentWorkOrderId]);
        await tx.execute('DELETE FROM work_order_logs WHERE agent_work_order_id = $1', [agentWorkOrderId]);
      });
    }
  }

  async close(): Promise<void> {
    if (this.ownsDriver) await this.driver.close();
  }
}

async function appendGroup(tx: SqlExecutor, agentWorkOrderId: string, group: WorkOrderLogEntry[]): Promise<void> {
  const newest = group.reduce((latest, entry) => (entry.timestamp > latest ? entry.timestamp : latest), group[0]!.timestamp);
  const [head] = await tx.query<{ last_seq: number }>(
    `INSERT INTO work_order_log_heads (agent_work_order_id, last_seq, last_timestamp) VALUES ($1, $2, $3)
     ON CONFLICT (agent_work_order_id) DO UPDATE SET
       last_seq = work_order_log_heads.last_seq + excluded.last_seq,
       last_timestamp = GREATEST(work_order_log_heads.last_timestamp, excluded.last_timestamp)
     RETURNING last_seq`,
    [agentWorkOrderId, group.length, newest],
  );
  const firstSeq = Number(head!.last_seq) - group.length + 1;
  const params: SqlValue[] = [];
  const rows = group.map((entry, index) => {
    const base = params.push(agentWorkOrderId, firstSeq + index, entry.level, entry.step ?? null, JSON.stringify(entry)) - 5;
    return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5})`;
  });
  await tx.execute(`INSERT INTO work_order_logs (agent_work_order_id, seq, level, step, entry) VALUES ${rows.join(', ')}`, params);
}
