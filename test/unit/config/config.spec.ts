import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, configSchema, loadConfig, projectRoot } from '../../../src/config.js';
import { configRules } from '../../../src/config-rules.js';
import { expandHome } from '../../../src/home-layout.js';

const home = path.join(os.tmpdir(), 'awo-config-spec-home');
const schemaKeys = Object.keys(configSchema.shape).sort();

/**
 * One bad value per variable and the problem its error must name. Keyed by every schema variable: a variable added
 * to the schema without a case here fails the coverage test below.
 */
const badValues: Record<string, { value: string; problem: string }> = {
  AWO_HOME: { value: 'relative/home', problem: 'not an absolute path' },
  AWO_REPOSITORY_DIR: { value: '../elsewhere', problem: 'leaves AWO_HOME' },
  AWO_WORK_ORDER_DIR: { value: 'repositories', problem: 'is the same folder as the repositories folder' },
  AWO_CONFIG_DIR: { value: '.', problem: 'contains the repositories folder' },
  AWO_TEMPORAL_DIR: { value: 'work-orders/temporal', problem: 'is inside the work-orders folder' },
  AWO_HOST: { value: 'http://0.0.0.0', problem: 'not a host name or IP address' },
  AWO_PORT: { value: '70000', problem: 'out of range' },
  TEMPORAL_ADDRESS: { value: 'http://temporal:7233', problem: 'not host:port' },
  TEMPORAL_NAMESPACE: { value: 'my namespace', problem: 'has characters other than' },
  AWO_TASK_QUEUE: { value: 'queue/1', problem: 'has characters other than' },
  AWO_WORKER_HOST_ID: { value: 'host id', problem: 'has characters other than' },
  AWO_TEMPORAL_PORT: { value: 'abc', problem: 'not a number' },
  AWO_TEMPORAL_UI_PORT: { value: '8233.5', problem: 'not a whole number' },
  AWO_TEMPORAL_RESTART_DELAY_MS: { value: '0', problem: 'less than 1' },
  AWO_TEMPORAL_UI_URL: { value: 'localhost:8080', problem: 'not an http(s) URL' },
  TEMPORAL_CLI_PATH: { value: 'temporal server start-dev', problem: 'contains spaces' },
  CLAUDE_CLI_PATH: { value: 'claude --verbose', problem: 'contains spaces' },
  CLAUDE_CLI_MODEL: { value: 'claude sonnet', problem: 'contains whitespace' },
  CLAUDE_CLI_MAX_TURNS: { value: '0', problem: 'less than 1' },
  CLAUDE_CLI_SKIP_PERMISSIONS: { value: 'maybe', problem: 'not a boolean' },
  AGENT_WORK_ORDER_TIMEOUT: { value: '1h', problem: 'not a number' },
  AGENT_IDLE_TIMEOUT: { value: '10m', problem: 'not a number' },
  AWO_MAX_COST_USD: { value: '0', problem: 'not more than 0' },
  AWO_MAX_TURNS: { value: '2.5', problem: 'not a whole number' },
  AWO_MAX_DURATION_SECONDS: { value: '9999999', problem: 'more than 2592000' },
  AGENT_WORK_ORDER_COMMANDS_DIR: { value: 'no/such/commands', problem: 'no such folder' },
  GITHUB_TOKEN: { value: 'ghp_SecretTokenValue123\n', problem: 'contains whitespace' },
  GH_TOKEN: { value: 'gho_SecretTokenValue456 extra', problem: 'contains whitespace' },
  GITHUB_TOKEN_FILE: { value: 'secrets/token', problem: 'not an absolute path' },
  AWO_AGENT_USER: { value: 'Agent User', problem: 'not a user name' },
  GITHUB_API_URL: { value: 'ftp://api.github.com', problem: 'not an http(s) URL' },
  GITHUB_SERVER_URL: { value: 'github.com', problem: 'not an http(s) URL' },
  AWO_MAX_CONCURRENT: { value: '-1', problem: 'less than 1' },
  AWO_RETENTION_DAYS: { value: 'seven', problem: 'not a number' },
  AWO_SPARE_SANDBOXES: { value: '-1', problem: 'less than 0' },
  AWO_PUSH_RETRY_SECONDS: { value: '0', problem: 'less than 1' },
  AWO_APPROVAL_TIMEOUT: { value: '7d', problem: 'not a number' },
  AWO_DATABASE_URL: { value: 'mysql://awo:Sup3rS3cretPw@db/awo', problem: 'not a postgres:// or postgresql:// URL' },
  AWO_SECRET_KEY: { value: 'too-short-key', problem: 'not 32 bytes' },
  AWO_API_TOKEN: { value: 'short-token', problem: 'not 16-512 printable characters' },
  AWO_ALLOWED_HOSTS: { value: 'awo.example.com,http://evil.example', problem: 'not a host name' },
  AWO_CORS_ORIGINS: { value: 'https://archon.example.com/app', problem: 'not an origin' },
  LOG_LEVEL: { value: 'verbose', problem: 'not a log level' },
  LOG_FORMAT: { value: 'colour', problem: 'not a log format' },
};

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('configuration: one line per bad value', () => {
  it('has a bad-value case and a rule for every variable of the schema, and none for variables it lacks', () => {
    expect(Object.keys(badValues).sort()).toEqual(schemaKeys);
    expect(Object.keys(configRules).sort()).toEqual(schemaKeys);
  });

  it.each(Object.entries(badValues))('%s: a bad value stops start-up with one line naming it, the problem and the rule', (variable, { value, problem }) => {
    const error = configError({ AWO_HOME: home, [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.startsWith(`${variable}=`)).toBe(true);
    expect(error.message).toContain(`is invalid: ${problem}`);
    expect(error.message).toContain(`; expected ${configRules[variable as keyof typeof configRules]}`);
  });

  it('never shows a secret value, and masks a password in a URL', () => {
    for (const variable of ['GITHUB_TOKEN', 'GH_TOKEN', 'AWO_SECRET_KEY', 'AWO_API_TOKEN']) {
      const { message } = configError({ AWO_HOME: home, [variable]: badValues[variable]!.value });
      expect(message).toContain(`${variable}=(hidden)`);
      expect(message).not.toContain(badValues[variable]!.value.trim().split(/\s/)[0]);
    }
    const { message } = configError({ AWO_HOME: home, AWO_DATABASE_URL: badValues.AWO_DATABASE_URL!.value });
    expect(message).not.toContain('Sup3rS3cretPw');
    expect(message).toContain('mysql://awo:***@db/awo');
  });

  it('keeps a valid token out of an error about another variable', () => {
    const { message } = configError({ AWO_HOME: home, GITHUB_TOKEN: 'ghp_ValidLookingToken789', AWO_PORT: 'x' });
    expect(message).not.toContain('ghp_ValidLookingToken789');
    expect(message.startsWith('AWO_PORT="x" is invalid: not a number')).toBe(true);
  });

  it('names the other invalid variables on the same line', () => {
    const { message } = configError({ AWO_HOME: home, AWO_PORT: 'x', LOG_LEVEL: 'loud', AWO_MAX_CONCURRENT: '0' });
    expect(message).not.toMatch(/[\r\n]/);
    expect(message).toMatch(/\(also invalid: (LOG_LEVEL, AWO_MAX_CONCURRENT|AWO_MAX_CONCURRENT, LOG_LEVEL)\)$/);
  });

  it('reads host and origin lists, comma-separated', () => {
    expect(loadConfig({ AWO_HOME: home, AWO_ALLOWED_HOSTS: 'AWO.example.com, 10.0.0.5,', AWO_CORS_ORIGINS: 'http://localhost:3737,https://archon.example.com/' })).toMatchObject({
      AWO_ALLOWED_HOSTS: ['awo.example.com', '10.0.0.5'],
      AWO_CORS_ORIGINS: ['http://localhost:3737', 'https://archon.example.com'],
    });
    const defaults = loadConfig({ AWO_HOME: home });
    expect(defaults).toMatchObject({ AWO_ALLOWED_HOSTS: [], AWO_CORS_ORIGINS: [] });
    expect(defaults.AWO_API_TOKEN).toBeUndefined();
  });

  it('treats an empty value as unset, as `KEY=` lines in .env files mean', () => {
    expect(loadConfig({ AWO_HOME: home, AWO_PORT: '', GITHUB_TOKEN: '' })).toMatchObject({ AWO_PORT: 8888, GITHUB_TOKEN: undefined });
  });
});

describe('configuration: defaults, overrides and the home layout', () => {
  it('puts every data folder under AWO_HOME by default, and ~/.awo is the default home', () => {
    const config = loadConfig({ AWO_HOME: home });
    expect(config).toMatchObject({
      AWO_HOME: home,
      repositoryDir: path.join(home, 'repositories'),
      workOrderDir: path.join(home, 'work-orders'),
      configDir: path.join(home, 'config'),
      temporalDir: path.join(home, 'temporal'),
      commandsDir: path.join(projectRoot, '.claude/commands/agent-work-orders'),
      AWO_HOST: '127.0.0.1',
      AWO_PORT: 8888,
      CLAUDE_CLI_SKIP_PERMISSIONS: true,
      LOG_LEVEL: 'info',
    });
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(loadConfig({}).AWO_HOME).toBe(path.join(os.homedir(), '.awo'));
    expect(loadConfig({ AWO_HOME: '~/awo-data' }).AWO_HOME).toBe(path.join(os.homedir(), 'awo-data'));
  });

  it('moves each part by its variable: relative ones under AWO_HOME, absolute ones anywhere', () => {
    const elsewhere = path.join(os.tmpdir(), 'awo-config-spec-elsewhere');
    const config = loadConfig({
      AWO_HOME: home,
      AWO_REPOSITORY_DIR: 'mirrors',
      AWO_WORK_ORDER_DIR: path.join(elsewhere, 'orders'),
      AWO_CONFIG_DIR: 'etc/awo',
      AWO_TEMPORAL_DIR: path.join(elsewhere, 'temporal'),
    });
    expect(config).toMatchObject({
      repositoryDir: path.join(home, 'mirrors'),
      workOrderDir: path.join(elsewhere, 'orders'),
      configDir: path.join(home, 'etc/awo'),
      temporalDir: path.join(elsewhere, 'temporal'),
    });
  });

  it('parses overridden values into their types', () => {
    const config = loadConfig({
      AWO_HOME: home,
      AWO_HOST: '0.0.0.0',
      AWO_PORT: '9000',
      TEMPORAL_ADDRESS: 'temporal:7233',
      CLAUDE_CLI_SKIP_PERMISSIONS: 'no',
      CLAUDE_CLI_MAX_TURNS: '12',
      AWO_MAX_CONCURRENT: '2',
      GITHUB_API_URL: 'https://ghes.example.com/api/v3',
    });
    expect(config).toMatchObject({ AWO_HOST: '0.0.0.0', AWO_PORT: 9000, TEMPORAL_ADDRESS: 'temporal:7233', CLAUDE_CLI_SKIP_PERMISSIONS: false, CLAUDE_CLI_MAX_TURNS: 12, AWO_MAX_CONCURRENT: 2 });
    expect(loadConfig({ AWO_HOME: home, AWO_HOST: '::', TEMPORAL_ADDRESS: '[::1]:7233' })).toMatchObject({ AWO_HOST: '::', TEMPORAL_ADDRESS: '[::1]:7233' });
  });

  it('reads the token from GITHUB_TOKEN_FILE without its line break, and names the file it cannot read', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'awo-token-file-')), 'github-token');
    fs.writeFileSync(file, 'ghp_fromfile\n');
    expect(loadConfig({ AWO_HOME: home, GITHUB_TOKEN_FILE: file }).GITHUB_TOKEN).toBe('ghp_fromfile');
    expect(loadConfig({ AWO_HOME: home, GITHUB_TOKEN_FILE: file, GITHUB_TOKEN: 'ghp_primary' }).GITHUB_TOKEN).toBe('ghp_primary');
    expect(() => loadConfig({ AWO_HOME: home, GITHUB_TOKEN_FILE: `${file}-missing` })).toThrow(/GITHUB_TOKEN_FILE.*cannot be read \(ENOENT\)/);
    fs.writeFileSync(file, 'ghp_one two\n');
    expect(() => loadConfig({ AWO_HOME: home, GITHUB_TOKEN_FILE: file })).toThrow(/GITHUB_TOKEN_FILE.*spaces or line breaks/);
  });

  it('falls back to GH_TOKEN when GITHUB_TOKEN is unset, and prefers GITHUB_TOKEN', () => {
    expect(loadConfig({ AWO_HOME: home, GH_TOKEN: 'gho_fallback' }).GITHUB_TOKEN).toBe('gho_fallback');
    expect(loadConfig({ AWO_HOME: home, GH_TOKEN: 'gho_fallback', GITHUB_TOKEN: 'ghp_primary' }).GITHUB_TOKEN).toBe('ghp_primary');
    expect(loadConfig({ AWO_HOME: home }).GITHUB_TOKEN).toBeUndefined();
    expect(loadConfig({ AWO_HOME: home, GH_TOKEN: 'gho_fallback' })).not.toHaveProperty('GH_TOKEN');
  });
});

describe('.env.example', () => {
  const lines = fs.readFileSync(path.join(projectRoot, '.env.example'), 'utf8').split('\n');
  const documented = new Map(
    lines.flatMap((line) => {
      const match = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      return match ? [[match[1]!, match[2]!] as const] : [];
    }),
  );

  it('documents every variable of the schema', () => {
    expect(schemaKeys.filter((key) => !documented.has(key))).toEqual([]);
  });

  it('states the same defaults as the schema', () => {
    const defaults = configSchema.parse({}) as Record<string, unknown>;
    // Machine-dependent defaults (the home folder, the host name) are shown in their portable form or left empty.
    const shown = (key: string) => (key === 'AWO_HOME' ? expandHome(documented.get(key)!) : documented.get(key));
    const mismatched = schemaKeys
      .filter((key) => defaults[key] !== undefined && key !== 'AWO_WORKER_HOST_ID')
      .filter((key) => shown(key) !== String(defaults[key]))
      .map((key) => `${key}: .env.example says ${documented.get(key)}, the schema ${String(defaults[key])}`);
    expect(mismatched).toEqual([]);
  });
});
