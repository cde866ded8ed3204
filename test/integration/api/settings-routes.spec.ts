import { mkdtemp, rm, symlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';
import { claudeCliPath, testToken } from '../../utils/work-order-harness.js';

const settingsPath = '/api/agent-work-orders/settings';

let forge: TestForge;
let home: string;
let api: ApiTestApp;

/** PATH without node_modules/.bin (jest's npx run adds it), so a bare `claude` is not found by accident. */
const systemPath = '/usr/local/bin:/usr/bin:/bin';

beforeAll(async () => {
  forge = await startTestForge({ token: testToken, login: 'settings-admin' });
  home = await mkdtemp(path.join(os.tmpdir(), 'awo-settings-api-'));
  // No GITHUB_TOKEN and no CLAUDE_CLI_PATH in the environment: the stored settings are what applies.
  api = await createApiTestApp({
    PATH: systemPath,
    HOME: process.env.HOME,
    AWO_HOME: home,
    GITHUB_API_URL: forge.apiUrl,
    GITHUB_SERVER_URL: forge.url,
    CLAUDE_CLI_MODEL: 'haiku',
    LOG_LEVEL: 'silent',
  });
});

afterAll(async () => {
  await api?.close();
  await forge?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

/** The settings that pick a program or a credential need the API token, also on loopback. */
function asAdmin<T extends { set(name: string, value: string): T }>(request: T): T {
  return request.set('authorization', `Bearer ${api.token}`);
}

describe('settings routes', () => {
  it('shows each value with its source, and is not shadowed by the work-order routes', async () => {
    const response = await api.http().get(settingsPath).expect(200);
    expect(response.body).toEqual({
      github_token: { value: null, source: 'default', env_variable: 'GITHUB_TOKEN', stored: false, error: null },
      claude_cli_path: { value: 'claude', source: 'default', env_variable: 'CLAUDE_CLI_PATH', stored: false, error: null },
      claude_cli_model: { value: 'haiku', source: 'env', env_variable: 'CLAUDE_CLI_MODEL', stored: false, error: null },
      max_concurrent: { value: 5, source: 'default', env_variable: 'AWO_MAX_CONCURRENT', stored: false, error: null },
      retention_days: { value: 7, source: 'default', env_variable: 'AWO_RETENTION_DAYS', stored: false, error: null },
      agent_timeout_seconds: { value: 3600, source: 'default', env_variable: 'AGENT_WORK_ORDER_TIMEOUT', stored: false, error: null },
      max_cost_usd: { value: null, source: 'default', env_variable: 'AWO_MAX_COST_USD', stored: false, error: null },
      max_turns: { value: null, source: 'default', env_variable: 'AWO_MAX_TURNS', stored: false, error: null },
      max_duration_seconds: { value: null, source: 'default', env_variable: 'AWO_MAX_DURATION_SECONDS', stored: false, error: null },
    });
  });

  it('validates before saving: 422 naming the field, and nothing is saved', async () => {
    const bad = await api.http().put(settingsPath).send({ max_concurrent: 0, retention_days: 30 }).expect(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'max_concurrent', message: 'must be 1-1000' })]);
    const unknown = await api.http().put(settingsPath).send({ max_concurent: 3 }).expect(422);
    expect(unknown.body.errors[0]).toMatchObject({ field: 'max_concurent', rule: 'unknown_field' });
    const badToken = await api.http().put(settingsPath).send({ github_token: 'has spaces in it' }).expect(422);
    expect(badToken.body.errors[0].field).toBe('github_token');
    expect(badToken.text).not.toContain('has spaces in it');
    const notObject = await api.http().put(settingsPath).send([1]).expect(422);
    expect(notObject.body.errors[0].field).toBe('body');

    const after = await api.http().get(settingsPath).expect(200);
    expect(after.body.retention_days).toMatchObject({ value: 7, source: 'default', stored: false });
  });

  it('saves settings, masks the token in every answer, and clears a value with null', async () => {
    const saved = await asAdmin(api.http().put(settingsPath)).send({ github_token: testToken, max_concurrent: 3, claude_cli_model: 'opus' }).expect(200);
    const masked = `ghp_…${testToken.slice(-4)}`;
    expect(saved.body.github_token).toEqual({ value: masked, source: 'stored', env_variable: 'GITHUB_TOKEN', stored: true, error: null });
    expect(saved.body.max_concurrent).toMatchObject({ value: 3, source: 'stored' });
    // Stored, but the environment variable still wins.
    expect(saved.body.claude_cli_model).toMatchObject({ value: 'haiku', source: 'env', stored: true });
    expect(saved.text).not.toContain(testToken);

    const read = await api.http().get(settingsPath).expect(200);
    expect(read.body.github_token.value).toBe(masked);
    expect(read.text).not.toContain(testToken);

    const cleared = await api.http().put(settingsPath).send({ max_concurrent: null }).expect(200);
    expect(cleared.body.max_concurrent).toMatchObject({ value: 5, source: 'default', stored: false });
  });

  it('tests the GitHub connection against the forge: with the stored token, a given one, and none', async () => {
    await asAdmin(api.http().put(settingsPath)).send({ github_token: testToken }).expect(200);
    const valid = await api.http().post(`${settingsPath}/test-github`).expect(200);
    expect(valid.body).toEqual({
      ok: true,
      api_url: forge.apiUrl,
      api_reachable: true,
      token_configured: true,
      token_source: 'stored',
      token: `ghp_…${testToken.slice(-4)}`,
      token_valid: true,
      login: 'settings-admin',
      error_message: null,
    });
    expect(valid.text).not.toContain(testToken);

    const wrongToken = 'ghp_notTheForgeToken000000000000000000';
    const invalid = await api.http().post(`${settingsPath}/test-github`).send({ github_token: wrongToken }).expect(200);
    expect(invalid.body).toMatchObject({ ok: false, api_reachable: true, token_source: 'request', token_valid: false, login: null });
    expect(invalid.body.error_message).toMatch(/401/);
    expect(invalid.text).not.toContain(wrongToken);

    await asAdmin(api.http().put(settingsPath)).send({ github_token: null }).expect(200);
    const none = await api.http().post(`${settingsPath}/test-github`).expect(200);
    expect(none.body).toMatchObject({ ok: false, api_reachable: true, token_configured: false, token_source: 'default', token: null, token_valid: null });
    expect(none.body.error_message).toMatch(/no GitHub token is configured/);
  });

  it('reports an unreachable GitHub API as such', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const unreachableHome = await mkdtemp(path.join(os.tmpdir(), 'awo-settings-api-'));
    const other = await createApiTestApp({ PATH: systemPath, AWO_HOME: unreachableHome, GITHUB_API_URL: `http://127.0.0.1:${closedPort}/api/v3`, GITHUB_TOKEN: testToken });
    try {
      const response = await other.http().post(`${settingsPath}/test-github`).expect(200);
      expect(response.body).toMatchObject({ ok: false, api_reachable: false, token_source: 'env', token_valid: null });
      expect(response.body.error_message).toMatch(/not reached/);
    } finally {
      await other.close();
      await rm(unreachableHome, { recursive: true, force: true });
    }
  });

  it('tests the Claude Code CLI: not found on PATH, then the real CLI once its path is saved', async () => {
    const missing = await api.http().post(`${settingsPath}/test-claude`).expect(200);
    expect(missing.body).toMatchObject({ ok: false, found: false, cli_path: 'claude', cli_path_source: 'default', version: null, model: 'haiku', model_source: 'env' });
    expect(missing.body.error_message).toMatch(/not found on PATH/);

    await asAdmin(api.http().put(settingsPath)).send({ claude_cli_path: claudeCliPath }).expect(200);
    const found = await api.http().post(`${settingsPath}/test-claude`).expect(200);
    expect(found.body).toMatchObject({ ok: true, found: true, cli_path: claudeCliPath, cli_path_source: 'stored', resolved_path: claudeCliPath, error_message: null });
    expect(found.body.version).toMatch(/\d+\.\d+\.\d+.*Claude Code/);
    // Health checks the CLI the worker will run: the stored path, not the environment's default `claude`.
    const health = await api.http().get('/health');
    expect(health.body.dependencies.claude_cli).toMatchObject({ healthy: true, detail: expect.stringMatching(/Claude Code/) });

    // A path that is no executable file is refused; one that was saved and then vanished shows in the test and health.
    const refused = await asAdmin(api.http().put(settingsPath)).send({ claude_cli_path: path.join(home, 'no-such-cli') }).expect(422);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'claude_cli_path', rule: 'executable' })]);
    const vanishing = path.join(home, 'vanishing-claude');
    await symlink(claudeCliPath, vanishing);
    await asAdmin(api.http().put(settingsPath)).send({ claude_cli_path: vanishing }).expect(200);
    await rm(vanishing);
    const gone = await api.http().post(`${settingsPath}/test-claude`).expect(200);
    expect(gone.body).toMatchObject({ ok: false, found: false });
    const degraded = await api.http().get('/health');
    expect(degraded.body.dependencies.claude_cli.healthy).toBe(false);
  });
});
