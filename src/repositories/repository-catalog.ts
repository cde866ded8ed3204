import { randomUUID } from 'node:crypto';
import type { GitHubClient } from '../github/github-client.js';
import { parseRepositoryUrl } from '../github/repository-url.js';
import { approvalModeSchema, type SandboxType, type WorkOrderStep, workOrderStepSchema, sandboxTypeSchema } from '../models/work-order.js';
import type { Logger } from '../logger.js';
import type { RepositoriesTable, RepositoryRow } from '../store/repositories-table.js';
import { UniqueConstraintError } from '../store/sql-driver.js';
import type { ConfiguredRepository, RepositoryVerificationResult } from '../models/configured-repository.js';
import type { RepositoryVerification } from '../models/repository-verification.js';
import type { AddRepositoryRequest, UpdateRepositoryRequest } from './configured-repository.js';

export class RepositoryNotFoundError extends Error {
  constructor(readonly repositoryId: string) {
    super(`configured repository ${repositoryId} not found`);
    this.name = 'RepositoryNotFoundError';
  }
}

export class DuplicateRepositoryError extends Error {
  constructor(
    readonly repositoryUrl: string,
    readonly existingId: string | undefined,
  ) {
    super(`repository ${repositoryUrl} is already configured${existingId ? ` (id ${existingId})` : ''}`);
    this.name = 'DuplicateRepositoryError';
  }
}

/** Asked to verify on add, and GitHub said no: the repository is not configured. */
export class RepositoryNotAccessibleError extends Error {
  constructor(
    readonly repositoryUrl: string,
    readonly reason: string,
  ) {
    super(`repository ${repositoryUrl} is not accessible: ${reason}`);
    this.name = 'RepositoryNotAccessibleError';
  }
}

/** Configured repositories: add (optionally verified against GitHub), list, change defaults, remove, re-verify. */
export class RepositoryCatalog {
  constructor(
    private readonly table: RepositoriesTable,
    private readonly githubServerUrl: string,
    /** A client with the token in effect now (settings may change it between calls). */
    private readonly github: () => Promise<GitHubClient>,
    private readonly logger?: Logger,
  ) {}

  async list(): Promise<ConfiguredRepository[]> {
    return (await this.table.list()).map(toConfiguredRepository);
  }

  async get(id: string): Promise<ConfiguredRepository> {
    const row = await this.table.get(id);
    if (!row) throw new RepositoryNotFoundError(id);
    return toConfiguredRepository(row);
  }

  /** The configured repository a URL names, in any of its spellings (`.git`, trailing slash, letter case); none for an invalid URL. */
  async findByUrl(repositoryUrl: string): Promise<ConfiguredRepository | undefined> {
    let htmlUrl: string;
    try {
      htmlUrl = parseRepositoryUrl(repositoryUrl, this.githubServerUrl).htmlUrl;
    } catch {
      return undefined;
    }
    const row = await this.table.findByUrl(htmlUrl);
    return row ? toConfiguredRepository(row) : undefined;
  }

  async add(request: AddRepositoryRequest): Promise<ConfiguredRepository> {
    const ref = parseRepositoryUrl(request.repository_url, this.githubServerUrl);
    const existing = await this.table.findByUrl(ref.htmlUrl);
    // Checked before asking GitHub, so a duplicate is a quick 409; the UNIQUE constraint still decides a race.
    if (existing) throw new DuplicateRepositoryError(ref.htmlUrl, existing.id);
    const now = new Date().toISOString();
    let verified: Pick<RepositoryRow, 'owner' | 'name' | 'default_branch' | 'is_verified' | 'last_verified_at'> = {
      owner: ref.owner,
      name: ref.name,
      default_branch: null,
      is_verified: false,
      last_verified_at: null,
    };
    if (request.verify) {
      const verification = await (await this.github()).verifyRepository(ref);
      if (!verification.is_accessible) throw new RepositoryNotAccessibleError(ref.htmlUrl, verification.error_message ?? 'GitHub did not say why');
      verified = verifiedFields(verification, ref, now);
    }
    const row: RepositoryRow = {
      id: randomUUID(),
      repository_url: ref.htmlUrl,
      display_name: request.display_name ?? null,
      ...verified,
      default_sandbox_type: request.default_sandbox_type,
      default_commands: JSON.stringify(request.default_commands),
      default_approval: request.default_approval ?? 'none',
      created_at: now,
      updated_at: now,
    };
    try {
      await this.table.insert(row);
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new DuplicateRepositoryError(ref.htmlUrl, (await this.table.findByUrl(ref.htmlUrl))?.id);
      throw error;
    }
    this.logger?.info({ event: 'repositories_repository_added', repository_id: row.id, repository_url: row.repository_url, verified: row.is_verified }, 'repositories_repository_added');
    return toConfiguredRepository(row);
  }

  async update(id: string, update: UpdateRepositoryRequest): Promise<ConfiguredRepository> {
    const row = await this.table.get(id);
    if (!row) throw new RepositoryNotFoundError(id);
    const next: RepositoryRow = {
      ...row,
      display_name: update.display_name === undefined ? row.display_name : update.display_name,
      default_sandbox_type: update.default_sandbox_type ?? row.default_sandbox_type,
      default_commands: update.default_commands ? JSON.stringify(update.default_commands) : row.default_commands,
      default_approval: update.default_approval ?? row.default_approval,
      updated_at: new Date().toISOString(),
    };
    if (!(await this.table.update(next))) throw new RepositoryNotFoundError(id);
    return toConfiguredRepository(next);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.table.delete(id))) throw new RepositoryNotFoundError(id);
    this.logger?.info({ event: 'repositories_repository_removed', repository_id: id }, 'repositories_repository_removed');
  }

  /** Asks GitHub again; the answer is recorded either way (a repository that became inaccessible is no longer verified). */
  async verify(id: string): Promise<RepositoryVerificationResult> {
    const row = await this.table.get(id);
    if (!row) throw new RepositoryNotFoundError(id);
    const ref = parseRepositoryUrl(row.repository_url, this.githubServerUrl);
    const verification = await (await this.github()).verifyRepository(ref);
    const now = new Date().toISOString();
    const next: RepositoryRow = verification.is_accessible
      ? { ...row, ...verifiedFields(verification, ref, now), updated_at: now }
      : { ...row, is_verified: false, last_verified_at: now, updated_at: now };
    if (!(await this.table.update(next))) throw new RepositoryNotFoundError(id);
    return { ...verification, repository: toConfiguredRepository(next) };
  }
}

function verifiedFields(verification: RepositoryVerification, ref: { owner: string; name: string }, now: string) {
  return {
    owner: verification.repository_owner ?? ref.owner,
    name: verification.repository_name ?? ref.name,
    default_branch: verification.default_branch,
    is_verified: true,
    last_verified_at: now,
  };
}

function toConfiguredRepository(row: RepositoryRow): ConfiguredRepository {
  return {
    ...row,
    default_sandbox_type: sandboxTypeSchema.parse(row.default_sandbox_type) as SandboxType,
    default_commands: workOrderStepSchema.array().parse(JSON.parse(row.default_commands)) as WorkOrderStep[],
    default_approval: approvalModeSchema.parse(row.default_approval),
  };
}
