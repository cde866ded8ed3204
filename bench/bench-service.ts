import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bashTurn, type ModelServer, type Rule, startModelServer, textTurn, writeTurn } from '../test/fixtures/model-server.js';
import { startTestForge, type TestForge } from '../test/fixtures/test-forge.js';
import { freePorts, waitForHealth } from './bench-helpers.js';

// Compiled to dist-bench/bench/ (its own out dir, so test fixtures stay out of dist/); the service runs from dist/.
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const claudeCliPath = path.join(projectRoot, 'node_modules', '.bin', 'claude');
const token = 'ghp_benchforgetoken0123456789abcdef';

/** The default five steps, each answered at once: a branch, a plan, a file, a commit; the service opens the PR. */
export const benchStepRules: Rule[] = [
  { match: /^# Create Branch/m, turns: [bashTurn('git checkout -q -b feat/bench'), textTurn('feat/bench')] },
  { match: /^# Planning/m, turns: [writeTurn('PRPs/plan.md', '# Plan\n\n1. Add the file.\n'), textTurn('Plan written to PRPs/plan.md')] },
  { match: /^# Execute/m, turns: [writeTurn('bench.txt', 'hello\n'), textTurn('Wrote bench.txt')] },
  { match: /^# Commit/m, turns: [bashTurn('git add -A && git commit -q -m "feat: bench change"'), textTurn('feat: bench change')] },
];

export interface BenchService {
  baseUrl: string;
  home: string;
  forge: TestForge;
  model: ModelServer;
  process: ChildProcess;
  /** The environment the agent CLI needs to reach the scripted model, for running it without the service. */
  agentEnv: NodeJS.ProcessEnv;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * The service the way the README starts it (the built start-all entry point with its embedded Temporal dev server), on
 * the real Claude Code CLI against a scripted model that answers at once and a local forge.
 */
export async function startBenchService(rules: Rule[], extraEnv: NodeJS.ProcessEnv = {}): Promise<BenchService> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'awo-bench-'));
  const model = await startModelServer({ rules });
  const forge = await startTestForge({ token });
  const [apiPort, temporalPort, uiPort] = await freePorts(3);
  const agentEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CLAUDE_CONFIG_DIR: path.join(home, 'claude-config'),
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'sk-ant-bench-dummy',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    IS_SANDBOX: '1',
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.test',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.test',
  };
  const env: NodeJS.ProcessEnv = {
    ...agentEnv,
    AWO_HOME: home,
    AWO_HOST: '127.0.0.1',
    AWO_PORT: String(apiPort),
    AWO_TEMPORAL_PORT: String(temporalPort),
    AWO_TEMPORAL_UI_PORT: String(uiPort),
    GITHUB_TOKEN: token,
    GITHUB_API_URL: forge.apiUrl,
    GITHUB_SERVER_URL: forge.url,
    CLAUDE_CLI_PATH: claudeCliPath,
    LOG_LEVEL: 'warn',
    ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
    ...(process.env.AWO_MAX_CONCURRENT ? { AWO_MAX_CONCURRENT: process.env.AWO_MAX_CONCURRENT } : {}),
    ...extraEnv,
  };
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const service = spawn(process.execPath, [path.join(projectRoot, 'dist', 'entrypoints', 'start-all.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  service.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Ctrl-C on a long run must not leave the service (and its Temporal server) behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      service.kill('SIGTERM');
      service.once('exit', () => process.exit(130));
    });
  }
  const stop = async () => {
    if (service.exitCode === null) {
      service.kill('SIGTERM');
      await new Promise((resolve) => service.once('exit', resolve));
    }
    await model.close();
    await forge.close();
    await rm(home, { recursive: true, force: true });
  };
  try {
    await waitForHealth(baseUrl, service, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, home, forge, model, process: service, agentEnv, env, stop };
}
