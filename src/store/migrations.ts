import type { SqlDriver } from './sql-driver.js';

export interface Migration {
  version: number;
  name: string;
  /** One statement each (both drivers run them one by one), in portable SQL. */
  statements: string[];
  /**
   * Only these databases run the statements (they may then use that dialect's SQL); every database records the
   * version, so versions stay one sequence.
   */
  dialects?: SqlDriver['dialect'][];
}

/**
 * Append only: a released migration is never edited, a change is a new version. Applied in order, each once, in one
 * transaction with its row in schema_migrations, so a crash leaves a version applied entirely or not at all.
 */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'settings_and_repositories',
    statements: [
      `CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        encrypted INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
      )`,
      `CREATE TABLE repositories (
        id TEXT PRIMARY KEY,
        repository_url TEXT NOT NULL UNIQUE,
        display_name TEXT,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        default_branch TEXT,
        is_verified INTEGER NOT NULL DEFAULT 0,
        last_verified_at TEXT,
        default_sandbox_type TEXT NOT NULL,
        default_commands TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
    ],
  },
  {
    // Work-order logs live in PostgreSQL only when the API and the workers share it; one host keeps them in files.
    version: 2,
    name: 'work_order_logs',
    dialects: ['postgres'],
    statements: [
      `CREATE TABLE work_order_log_heads (
        agent_work_order_id TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL,
        last_timestamp TEXT NOT NULL
      )`,
      'CREATE INDEX work_order_log_heads_last_timestamp ON work_order_log_heads (last_timestamp)',
      `CREATE TABLE work_order_logs (
        agent_work_order_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        level TEXT NOT NULL,
        step TEXT,
        entry TEXT NOT NULL,
        PRIMARY KEY (agent_work_order_id, seq)
      )`,
    ],
  },
  {
    version: 3,
    name: 'settings_audit',
    statements: [
      `CREATE TABLE settings_audit (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        remote_address TEXT,
        field TEXT NOT NULL,
        action TEXT NOT NULL
      )`,
      'CREATE INDEX settings_audit_at ON settings_audit (at)',
    ],
  },
  {
    version: 4,
    name: 'repository_default_approval',
    statements: [`ALTER TABLE repositories ADD COLUMN default_approval TEXT NOT NULL DEFAULT 'none'`],
  },
];

export class StoreSchemaTooNewError extends Error {
  constructor(applied: number, known: number) {
    super(`the configuration store has schema version ${applied}, newer than this service knows (${known}); run the newer service or restore a backup`);
    this.name = 'StoreSchemaTooNewError';
  }
}

// Any constant works; it only has to be the same in every process that migrates this database.
const postgresMigrationLockKey = 72_657_301;

/** Applies the migrations this database has not seen; a no-op (and no write) when it is up to date. */
export async function migrate(driver: SqlDriver, known: Migration[] = migrations): Promise<number[]> {
  const latest = Math.max(...known.map((migration) => migration.version));
  const pending = (applied: Set<number>) => {
    const newest = Math.max(0, ...applied);
    if (newest > latest) throw new StoreSchemaTooNewError(newest, latest);
    return known.filter((migration) => !applied.has(migration.version)).sort((a, b) => a.version - b.version);
  };
  // Checked first without a transaction, so a process start on an up-to-date store writes nothing.
  const alreadyApplied = await appliedVersions(driver).catch(() => null);
  if (alreadyApplied && pending(alreadyApplied).length === 0) return [];

  return driver.transaction(async (tx) => {
    // The API and the workers may start together; the second waits here and then finds nothing left to do.
    if (driver.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [postgresMigrationLockKey]);
    await tx.execute('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => Number(row.version)));
    const toApply = pending(applied);
    for (const migration of toApply) {
      const runsHere = !migration.dialects || migration.dialects.includes(driver.dialect);
      for (const statement of runsHere ? migration.statements : []) await tx.execute(statement);
      await tx.execute('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
    }
    return toApply.map((migration) => migration.version);
  });
}

async function appliedVersions(driver: SqlDriver): Promise<Set<number>> {
  const rows = await driver.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((row) => Number(row.version)));
}
