import type { Pool } from 'pg';
import { type SqlDriver, type SqlExecutor, type SqlRow, type SqlValue, UniqueConstraintError } from './sql-driver.js';

/** PostgreSQL through a pg Pool: what `AWO_DATABASE_URL` selects, shared by every API and worker replica. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;

  private constructor(private readonly pool: Pool) {}

  static async open(connectionString: string, onPoolError: (error: Error) => void = () => {}): Promise<PostgresDriver> {
    // Loaded here, not with the module: a service on SQLite and log files (the default) never holds pg (~3 MiB heap).
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString,
      max: 4,
      // Settings are read per work order step: a handful of connections is plenty, and idle ones must not keep a
      // process (a CLI, a test) alive.
      idleTimeoutMillis: 10_000,
      allowExitOnIdle: true,
      connectionTimeoutMillis: 10_000,
    });
    // An idle client losing its server emits on the pool; unhandled, that would crash the process.
    pool.on('error', onPoolError);
    const driver = new PostgresDriver(pool);
    try {
      await driver.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw new Error(`PostgreSQL at AWO_DATABASE_URL is not reachable: ${describe(error)}`, { cause: error });
    }
    return driver;
  }

  query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return runQuery<Row>(this.pool, sql, params);
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return runStatement(this.pool, sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const tx: SqlExecutor = {
        query: <Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []) => runQuery<Row>(client, sql, params),
        execute: (sql, params = []) => runStatement(client, sql, params),
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Idempotent: the API and a test may both close a store. */
  async close(): Promise<void> {
    if (this.pool.ended || this.pool.ending) return;
    await this.pool.end();
  }
}

type Queryable = Pick<Pool, 'query'>;

async function runQuery<Row extends SqlRow>(target: Queryable, sql: string, params: readonly SqlValue[]): Promise<Row[]> {
  const result = await target.query<Row>(sql, [...params]);
  return result.rows;
}

async function runStatement(target: Queryable, sql: string, params: readonly SqlValue[]): Promise<number> {
  try {
    const result = await target.query(sql, [...params]);
    return result.rowCount ?? 0;
  } catch (error) {
    // 23505: unique_violation.
    if ((error as { code?: unknown }).code === '23505') throw new UniqueConstraintError(error);
    throw error;
  }
}

/** pg's connection errors carry the host but never the password; still, say only the cause. */
function describe(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  return [typeof code === 'string' ? code : '', typeof message === 'string' ? message : String(error)].filter(Boolean).join(' ');
}
