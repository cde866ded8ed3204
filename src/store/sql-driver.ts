/**
 * The one interface both stores speak. SQL is written once, portable between SQLite and PostgreSQL: `$1, $2, ...`
 * placeholders, TEXT for strings and ISO timestamps, INTEGER for numbers and 0/1 flags, `ON CONFLICT ... DO UPDATE`.
 */
export type SqlValue = string | number | null;
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Resolves to the number of rows changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `work` in one transaction: all of its writes land, or none do (also across processes). */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A write refused by a UNIQUE constraint, the same error from both drivers. */
export class UniqueConstraintError extends Error {
  constructor(cause: unknown) {
    super(`unique constraint violated: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UniqueConstraintError';
  }
}
