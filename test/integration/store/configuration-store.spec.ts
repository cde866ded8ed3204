import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type AppConfig, loadConfig } from '../../../src/config.js';
import { DuplicateRepositoryError } from '../../../src/repositories/repository-catalog.js';
import { applyConfiguredRepositoryDefaults } from '../../../src/repositories/work-order-defaults.js';
import { type ConfigurationServices, openConfigurationServices } from '../../../src/settings/configuration-services.js';
import { SecretDecryptionError, secretKeyFileName } from '../../../src/settings/secret-box.js';
import { migrate, migrations } from '../../../src/store/migrations.js';
import { sqliteFileName } from '../../../src/store/configuration-store.js';
import { startTestPostgres, type TestPostgres } from '../../utils/postgres-server.js';

const token = 'ghp_StoreSuiteToken0123456789abcdefWXYZ';
const serverUrl = 'https://github.com';

let postgres: TestPostgres;
let scratch: string;

beforeAll(async () => {
  postgres = await startTestPostgres();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'awo-store-'));
}, 120_000);

afterAll(async () => {
  await postgres?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** A fresh home (and, for PostgreSQL, a fresh database) per test: the same suite, two drivers. */
async function freshEnv(driver: 'sqlite' | 'postgres', extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const home = await mkdtemp(path.join(scratch, `${driver}-`));
  const env: NodeJS.ProcessEnv = { AWO_HOME: home, GITHUB_SERVER_URL: serverUrl, ...extra };
  if (driver === 'postgres') env.AWO_DATABASE_URL = await postgres.createDatabase(`awo_${randomBytes(6).toString('hex')}`);
  return env;
}

describe.each(['sqlite', 'postgres'] as const)('configuration store on %s', (driver) => {
  const opened: ConfigurationServices[] = [];
  const open = async (env: NodeJS.ProcessEnv): Promise<{ services: ConfigurationServices; config: AppConfig }> => {
    const config = loadConfig(env);
    const services = await openConfigurationServices(config, env);
    opened.push(services);
    return { services, config };
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((services) => services.close()));
  });

  /** The stored token row, read straight from the database, not through the service. */
  async function storedTokenBytes(services: ConfigurationServices, config: AppConfig): Promise<{ raw: string; encrypted: number }> {
    if (driver === 'sqlite') {
      const bytes = await readFile(path.join(config.configDir, sqliteFileName));
      return { raw: bytes.toString('latin1'), encrypted: 1 };
    }
    const client = new pg.Client({ connectionString: config.AWO_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ value: string; encrypted: number }>("SELECT value, encrypted FROM settings WHERE key = 'github_token'");
      expect(rows).toHaveLength(1);
      return { raw: rows[0]!.value, encrypted: Number(rows[0]!.encrypted) };
    } finally {
      await client.end();
    }
  }

  it('round-trips settings across a reopen, with the source of each value', async () => {
    const env = await freshEnv(driver);
    const first = await open(env);
    const before = await first.services.settings.effective();
    expect(before.claude_cli_model).toEqual({ value: 'sonnet', source: 'default' });
    expect(before.github_token).toEqual({ value: null, source: 'default' });

    await first.services.settings.update({ claude_cli_model: 'opus', max_concurrent: 3, retention_days: 30, agent_timeout_seconds: 900, github_token: token });
    await first.services.close();

    // A second process (or a restart) reads what the first saved.
    const second = await open(env);
    const after = await second.services.settings.effective();
    expect(after).toMatchObject({
      claude_cli_model: { value: 'opus', source: 'stored' },
      max_concurrent: { value: 3, source: 'stored' },
      retention_days: { value: 30, source: 'stored' },
      agent_timeout_seconds: { value: 900, source: 'stored' },
      github_token: { value: token, source: 'stored' },
      claude_cli_path: { value: 'claude', source: 'default' },
    });
    expect(await second.services.settings.githubToken()).toBe(token);

    // null clears a stored value: the default applies again.
    await second.services.settings.update({ claude_cli_model: null });
    expect((await second.services.settings.effective()).claude_cli_model).toEqual({ value: 'sonnet', source: 'default' });
  });

  it('lets an environment variable win over a stored value, and says so', async () => {
    const env = await freshEnv(driver);
    const { services } = await open(env);
    await services.settings.update({ claude_cli_model: 'opus', max_concurrent: 2 });

    const overridden = await open({ ...env, CLAUDE_CLI_MODEL: 'haiku', GH_TOKEN: 'ghp_fromEnvironment000000000000000001' });
    const effective = await overridden.services.settings.effective();
    expect(effective.claude_cli_model).toEqual({ value: 'haiku', source: 'env' });
    expect(effective.max_concurrent).toEqual({ value: 2, source: 'stored' });
    expect(effective.github_token).toEqual({ value: 'ghp_fromEnvironment000000000000000001', source: 'env' });
    const view = await overridden.services.settings.view();
    expect(view.claude_cli_model).toMatchObject({ value: 'haiku', source: 'env', env_variable: 'CLAUDE_CLI_MODEL', stored: true });
    expect(view.github_token).toMatchObject({ value: 'ghp_…0001', source: 'env', env_variable: 'GH_TOKEN', stored: false });
  });

  it('stores the token encrypted: the plaintext is not in the file or the table', async () => {
    const env = await freshEnv(driver);
    const { services, config } = await open(env);
    await services.settings.update({ github_token: token, claude_cli_model: 'plaintext-model-marker' });

    const stored = await storedTokenBytes(services, config);
    expect(stored.encrypted).toBe(1);
    expect(stored.raw).not.toContain(token);
    expect(stored.raw).not.toContain(token.slice(4, 24));
    expect(stored.raw).not.toContain(Buffer.from(token).toString('base64').slice(0, 20));
    expect(stored.raw).toContain('awo-gcm1:');
    // The check can see plaintext at all: an unencrypted setting is right there.
    if (driver === 'sqlite') expect(stored.raw).toContain('plaintext-model-marker');

    // The generated key file: created once, 0600, the same key on reopen.
    const keyPath = path.join(config.configDir, secretKeyFileName);
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    const key = await readFile(keyPath, 'utf8');
    await open(env);
    expect(await readFile(keyPath, 'utf8')).toBe(key);
  });

  it('masks the token in every view, never returning it whole', async () => {
    const env = await freshEnv(driver);
    const { services } = await open(env);
    const view = await services.settings.update({ github_token: token });
    expect(view.github_token).toEqual({ value: 'ghp_…WXYZ', source: 'stored', env_variable: 'GITHUB_TOKEN', stored: true, error: null });
    expect(JSON.stringify(view)).not.toContain(token.slice(4, -4));
    expect(JSON.stringify(await services.settings.view())).not.toContain(token.slice(4, -4));
  });

  it('refuses to decrypt with a wrong key: a clear error, never garbage', async () => {
    const keyA = randomBytes(32).toString('hex');
    const keyB = randomBytes(32).toString('base64');
    const env = await freshEnv(driver, { AWO_SECRET_KEY: keyA });
    const { services } = await open(env);
    await services.settings.update({ github_token: token, claude_cli_model: 'opus' });
    expect(await services.settings.githubToken()).toBe(token);

    const wrong = await open({ ...env, AWO_SECRET_KEY: keyB });
    await expect(wrong.services.settings.githubToken()).rejects.toThrow(SecretDecryptionError);
    await expect(wrong.services.settings.githubToken()).rejects.toThrow(/stored credentials cannot be decrypted with the current AWO_SECRET_KEY\/key file/);
    // The rest of the settings stay readable, and the view reports the problem instead of failing.
    expect(await wrong.services.settings.agentSettings()).toEqual({ model: 'opus', cliPath: 'claude' });
    const view = await wrong.services.settings.view();
    expect(view.github_token).toMatchObject({ value: null, source: 'stored', stored: true });
    expect(view.github_token.error).toMatch(/cannot be decrypted/);
    // Saving a new token with the new key repairs it.
    await wrong.services.settings.update({ github_token: 'ghp_replacement0000000000000000000000' });
    expect(await wrong.services.settings.githubToken()).toBe('ghp_replacement0000000000000000000000');
  });

  it('applies migrations once, in order, and is idempotent across reopens', async () => {
    const env = await freshEnv(driver);
    const first = await open(env);
    expect(await migrate(first.services.store.driver)).toEqual([]);
    await first.services.close();
    const second = await open(env);
    const rows = await second.services.store.driver.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => [Number(row.version), row.name])).toEqual(migrations.map((migration) => [migration.version, migration.name]));

    // A later migration is applied once, after the first, and not again.
    const next = [...migrations, { version: 99, name: 'test_extra', statements: ['CREATE TABLE test_extra (id TEXT PRIMARY KEY)'] }];
    expect(await migrate(second.services.store.driver, next)).toEqual([99]);
    expect(await migrate(second.services.store.driver, next)).toEqual([]);
    // And a service that does not know version 99 refuses the newer schema rather than guessing.
    await expect(migrate(second.services.store.driver)).rejects.toThrow(/newer than this service knows/);
  });

  it('shares writes between two processes on the same store', async () => {
    const env = await freshEnv(driver);
    const api = await open(env);
    const worker = await open(env);
    expect((await worker.services.settings.agentSettings()).model).toBe('sonnet');
    await api.services.settings.update({ claude_cli_model: 'opus' });
    expect((await worker.services.settings.agentSettings()).model).toBe('opus');
    // Interleaved writes from both: none is lost.
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        (index % 2 === 0 ? api : worker).services.repositories.add({
          repository_url: `${serverUrl}/acme/repo-${index}`,
          default_sandbox_type: 'git_worktree',
          default_commands: ['create-branch', 'planning'],
          verify: false,
        }),
      ),
    );
    expect((await api.services.repositories.list()).map((repository) => repository.name).sort()).toEqual(['repo-0', 'repo-1', 'repo-2', 'repo-3', 'repo-4', 'repo-5']);
  });

  it('keeps configured repositories unique by URL in any spelling, and hands their defaults to a work order', async () => {
    const env = await freshEnv(driver);
    const { services } = await open(env);
    const added = await services.repositories.add({
      repository_url: `${serverUrl}/Acme/Demo.git`,
      display_name: 'Demo',
      default_sandbox_type: 'git_branch',
      default_commands: ['create-branch', 'planning'],
      verify: false,
    });
    expect(added).toMatchObject({ repository_url: `${serverUrl}/Acme/Demo`, owner: 'Acme', name: 'Demo', is_verified: false, default_branch: null });
    await expect(
      services.repositories.add({ repository_url: `${serverUrl}/acme/demo/`, default_sandbox_type: 'git_worktree', default_commands: ['planning'], verify: false }),
    ).rejects.toThrow(DuplicateRepositoryError);
    // The UNIQUE constraint holds even when the check before it is skipped (two adds racing).
    await expect(services.store.repositories.insert({ ...rowOf(added), id: 'another-id' })).rejects.toThrow(/unique constraint/);

    const body = await applyConfiguredRepositoryDefaults({ repository_url: `${serverUrl}/acme/demo`, user_request: 'x' }, services.repositories);
    expect(body).toEqual({ repository_url: `${serverUrl}/acme/demo`, user_request: 'x', sandbox_type: 'git_branch', selected_commands: ['create-branch', 'planning'] });
    const explicit = await applyConfiguredRepositoryDefaults({ repository_url: `${serverUrl}/Acme/Demo`, sandbox_type: 'git_worktree', workflow_type: 'agent_workflow_plan' }, services.repositories);
    expect(explicit).toEqual({ repository_url: `${serverUrl}/Acme/Demo`, sandbox_type: 'git_worktree', workflow_type: 'agent_workflow_plan' });
    const unknown = { repository_url: `${serverUrl}/acme/other`, user_request: 'x' };
    expect(await applyConfiguredRepositoryDefaults(unknown, services.repositories)).toBe(unknown);
  });
});

function rowOf(repository: Awaited<ReturnType<ConfigurationServices['repositories']['get']>>) {
  return { ...repository, default_commands: JSON.stringify(repository.default_commands) };
}
