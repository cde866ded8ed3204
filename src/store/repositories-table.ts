import type { SqlDriver } from './sql-driver.js';

/** A configured repository as stored; `default_commands` is a JSON array of step names. */
export interface RepositoryRow {
  id: string;
  repository_url: string;
  display_name: string | null;
  owner: string;
  name: string;
  default_branch: string | null;
  is_verified: boolean;
  last_verified_at: string | null;
  default_sandbox_type: string;
  default_commands: string;
  /** `plan` or `none`: whether work orders on this repository wait for plan approval unless they say otherwise. */
  default_approval: string;
  created_at: string;
  updated_at: string;
}

const columns =
  'id, repository_url, display_name, owner, name, default_branch, is_verified, last_verified_at, default_sandbox_type, default_commands, default_approval, created_at, updated_at';

type RawRow = Omit<RepositoryRow, 'is_verified'> & { is_verified: number };

/** The repositories table (configured repositories, not git mirrors). */
export class RepositoriesTable {
  constructor(private readonly driver: SqlDriver) {}

  async list(): Promise<RepositoryRow[]> {
    const rows = await this.driver.query<RawRow>(`SELECT ${columns} FROM repositories ORDER BY created_at, id`);
    return rows.map(fromRaw);
  }

  async get(id: string): Promise<RepositoryRow | undefined> {
    const [row] = await this.driver.query<RawRow>(`SELECT ${columns} FROM repositories WHERE id = $1`, [id]);
    return row ? fromRaw(row) : undefined;
  }

  /** GitHub owner and repository names are case-insensitive, so are URLs here. */
  async findByUrl(repositoryUrl: string): Promise<RepositoryRow | undefined> {
    const [row] = await this.driver.query<RawRow>(`SELECT ${columns} FROM repositories WHERE lower(repository_url) = lower($1)`, [repositoryUrl]);
    return row ? fromRaw(row) : undefined;
  }

  /** Throws UniqueConstraintError when the URL is already configured (the constraint decides, not a prior read). */
  async insert(row: RepositoryRow): Promise<void> {
    await this.driver.execute(`INSERT INTO repositories (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
      row.id,
      row.repository_url,
      row.display_name,
      row.owner,
      row.name,
      row.default_branch,
      row.is_verified ? 1 : 0,
      row.last_verified_at,
      row.default_sandbox_type,
      row.default_commands,
      row.default_approval,
      row.created_at,
      row.updated_at,
    ]);
  }

  /** False when no such row exists. */
  async update(row: RepositoryRow): Promise<boolean> {
    const changed = await this.driver.execute(
      `UPDATE repositories SET display_name = $2, owner = $3, name = $4, default_branch = $5, is_verified = $6, last_verified_at = $7,
       default_sandbox_type = $8, default_commands = $9, default_approval = $10, updated_at = $11 WHERE id = $1`,
      [
        row.id,
        row.display_name,
        row.owner,
        row.name,
        row.default_branch,
        row.is_verified ? 1 : 0,
        row.last_verified_at,
        row.default_sandbox_type,
        row.default_commands,
        row.default_approval,
        row.updated_at,
      ],
    );
    return changed > 0;
  }

  /** False when no such row exists. */
  async delete(id: string): Promise<boolean> {
    return (await this.driver.execute('DELETE FROM repositories WHERE id = $1', [id])) > 0;
  }
}

function fromRaw(row: RawRow): RepositoryRow {
  return { ...row, is_verified: Number(row.is_verified) === 1 };
}
