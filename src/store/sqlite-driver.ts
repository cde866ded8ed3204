import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { withFileLock } from './file-lock.js';
import { type SqlDriver, type SqlExecutor, type SqlRow, type SqlValue, UniqueConstraintError } from './sql-driver.js';

let sqlJs: Promise<SqlJsStatic> | undefined;
/** The WASM module is compiled once per process. */
function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/** What identifies one written version of the file: every write renames a new file into place. */
type FileVersion = string;

/**
 * SQLite through sql.js (WASM: no native build, the same on Node 20 and 22). sql.js keeps the database in memory, so
 * the file is the shared truth: every write transaction runs under a lock file on the latest version from disk and
 * replaces the file atomically (temp file + rename), and every read first reloads the file if another process (the
 * API, a worker) replaced it since.
 */
export class SqliteFileDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private loadedVersion: FileVersion | null = null;
  /** sql.js is synchronous but our transactions are not: one operation at a time in this process. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly SQL: SqlJsStatic,
    private db: Database,
    readonly filePath: string,
  ) {}

  static async open(filePath: string): Promise<SqliteFileDriver> {
    await fs.mkdir(path.dirname(filePath), { recursive: true, mode: 0o700 });
    const SQL = await loadSqlJs();
    const driver = new SqliteFileDriver(SQL, new SQL.Database(), filePath);
    driver.reloadIfChanged();
    return driver;
  }

  query<Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.exclusive(async () => {
      this.reloadIfChanged();
      return runQuery<Row>(this.db, sql, params);
    });
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.transaction((tx) => tx.execute(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      withFileLock(`${this.filePath}.lock`, async () => {
        this.reloadIfChanged();
        let written = false;
        const tx: SqlExecutor = {
          query: async <Row extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []) => runQuery<Row>(this.db, sql, params),
          execute: async (sql, params = []) => {
            written = true;
            return runStatement(this.db, sql, params);
          },
        };
        this.db.run('BEGIN IMMEDIATE');
        let result: T;
        try {
          result = await work(tx);
          this.db.run('COMMIT');
        } catch (error) {
          this.db.run('ROLLBACK');
          throw error;
        }
        if (written) await this.persist();
        return result;
      }),
    );
  }

  /** Idempotent: the API and a test may both close a store. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.exclusive(async () => {
      this.closed = true;
      this.db.close();
    }).catch(() => undefined);
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.closed) throw new Error(`the configuration store ${this.filePath} is closed`);
      return operation();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * In place, not through the thread pool: every settings read of the worker (the token and the admission limit on the
   * way to a work order's first agent) starts here, and a stat queued behind the pool's other file work (log batches,
   * sandbox files) took up to 20 ms for a few microseconds of syscall. The file is small (settings, configured
   * repositories, the settings audit), and read again only after another process replaced it.
   */
  private reloadIfChanged(): void {
    const version = fileVersion(this.filePath);
    if (version === null || version === this.loadedVersion) return;
    const bytes = readFileSync(this.filePath);
    const next = new this.SQL.Database(bytes);
    this.db.close();
    this.db = next;
    // The version read before the bytes: if the file changed in between, the next call reloads once more.
    this.loadedVersion = version;
  }

  private async persist(): Promise<void> {
    const bytes = this.db.export();
    const temporary = `${this.filePath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await fs.open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      // On disk before the rename makes it the file: a crash must leave the old version or the new, never half.
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temporary, this.filePath);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
    this.loadedVersion = fileVersion(this.filePath);
  }
}

function fileVersion(filePath: string): FileVersion | null {
  try {
    const stat = statSync(filePath, { bigint: true });
    // Inode numbers are reused, so the nanosecond times and the size go with it.
    return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** `$1, $2, ...` are named parameters to SQLite, bound by name: the same SQL text as for PostgreSQL. */
function bindings(params: readonly SqlValue[]): Record<string, SqlValue> {
  return Object.fromEntries(params.map((value, index) => [`$${index + 1}`, value]));
}

function runQuery<Row extends SqlRow>(db: Database, sql: string, params: readonly SqlValue[]): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(bindings(params));
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject() as Row);
    return rows;
  } finally {
    statement.free();
  }
}

function runStatement(db: Database, sql: string, params: readonly SqlValue[]): number {
  try {
    db.run(sql, bindings(params));
  } catch (error) {
    if (error instanceof Error && /UNIQUE constraint failed/.test(error.message)) throw new UniqueConstraintError(error);
    throw error;
  }
  return db.getRowsModified();
}
