import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { type ConfigurationServices, openConfigurationServices } from '../../../src/settings/configuration-services.js';
import { createActivityDeps } from '../../../temporal/worker/activity-wiring.js';
import { claudeCliPath } from '../../utils/work-order-harness.js';

/**
 * The worker reads the effective settings per activity call: a value saved through the settings (by the API, another
 * process on the same store) applies to the next work order without restarting the worker.
 */
describe('worker activity settings', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let api: ConfigurationServices;

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'awo-worker-settings-'));
    env = { AWO_HOME: home, PATH: process.env.PATH, AWO_SECRET_KEY: randomBytes(32).toString('hex') };
    api = await openConfigurationServices(loadConfig(env), env);
  });

  afterEach(async () => {
    await api.close();
    await rm(home, { recursive: true, force: true });
  });

  it('sees a saved token, model and CLI path at the next call, without a restart', async () => {
    const deps = createActivityDeps(loadConfig(env), createLogger('silent'), 'host-queue', env);
    expect(await deps.githubToken()).toBeUndefined();
    expect(await deps.agentSettings()).toEqual({ model: 'sonnet', cliPath: 'claude', maxTurns: undefined, skipPermissions: true, idleTimeoutSeconds: 600 });

    await api.settings.update({ github_token: 'ghp_savedThroughTheApi000000000000001', claude_cli_model: 'opus', claude_cli_path: claudeCliPath });
    expect(await deps.githubToken()).toBe('ghp_savedThroughTheApi000000000000001');
    // The step's settings name the CLI too: runAgent hands that path to the executor.
    expect(await deps.agentSettings()).toMatchObject({ model: 'opus', cliPath: claudeCliPath });
    // The agent executor runs the CLI at the path in effect now: the real Claude Code CLI.
    expect(await deps.agent.version()).toMatch(/Claude Code/);

    await api.settings.update({ github_token: 'ghp_rotatedToken00000000000000000002' });
    expect(await deps.githubToken()).toBe('ghp_rotatedToken00000000000000000002');
  });

  it('lets the environment win over the stored value', async () => {
    await api.settings.update({ github_token: 'ghp_storedToken000000000000000000003', claude_cli_model: 'opus' });
    const workerEnv = { ...env, GITHUB_TOKEN: 'ghp_environmentToken0000000000000004', CLAUDE_CLI_MODEL: 'haiku' };
    const deps = createActivityDeps(loadConfig(workerEnv), createLogger('silent'), 'host-queue', workerEnv);
    expect(await deps.githubToken()).toBe('ghp_environmentToken0000000000000004');
    expect((await deps.agentSettings()).model).toBe('haiku');
  });

  it('fails the activity without retries when the stored token cannot be decrypted', async () => {
    await api.settings.update({ github_token: 'ghp_storedToken000000000000000000005', claude_cli_model: 'opus' });
    const otherKey = { ...env, AWO_SECRET_KEY: randomBytes(32).toString('hex') };
    const deps = createActivityDeps(loadConfig(otherKey), createLogger('silent'), 'host-queue', otherKey);
    const failure = await Promise.resolve(deps.githubToken()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).message).toMatch(/stored credentials cannot be decrypted with the current AWO_SECRET_KEY\/key file/);
    // Settings that are not secret are still read.
    expect((await deps.agentSettings()).model).toBe('opus');
  });
});
