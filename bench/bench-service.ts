import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { bashTurn, type ModelServer, type Rule, startModelServer, textTurn, writeTurn } from '../test/fixtures/model-server.js';
import { startTestForge, type TestForge } from '../test/fixtures/test-forge.js';
import { freePorts, waitForHealth } from './bench-helpers.js';

// Compiled to dist-bench/bench/ (its own out dir, so test fixtures stay out of dist/); the service runs from dist/.
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const claudeCliPath = path.join(projectRoot, 'node_modules', '.bin', 'claude');
const token = 'ghp_benchforgetoken0123456789abcdef';
const stopGraceMs = 15_000;

/**
 * How `npm start` runs the service (package.json's start script): the environment it sets for node (e.g. the allocator's
 * MALLOC_ARENA_MAX) and node's flags, so the bench measures the memory a user gets. For a before/after in one window,
 * BENCH_NODE_ARGS overrides the flags and BENCH_NODE_ENV the environment ('none': none; else `NAME=value ...`).
 */
export async function serviceLaunch(): Promise<{ nodeArgs: string[]; nodeEnv: Record<string, string> }> {
  const { scripts } = JSON.parse(await readFile(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const launch = /((?:[A-Z_]+=\S+\s+)*)exec node (.*?)\s*dist\/entrypoints\/start-all\.js/.exec(scripts.start ?? '');
  if (!launch) throw new Error(`package.json's start script does not exec node dist/entrypoints/start-all.js: ${scripts.start}`);
  const words = (text: string | undefined) => (text === 'none' ? [] : (text ?? '').split(' ').filter(Boolean));
  const nodeArgs = words(process.env.BENCH_NODE_ARGS ?? launch[2]);
  const nodeEnv = Object.fromEntries(words(process.env.BENCH_NODE_ENV ?? launch[1]).map((assignment) => assignment.split(/=(.*)/s).slice(0, 2)));
  return { nodeArgs, nodeEnv };
}

/** The default five steps, each answered at once: a branch, a plan, a file, a commit; the service opens the PR. */
// The branch name is new each time: work orders on one repository share its mirror, where earlier branches stay.
export const benchStepRules: Rule[] = [
  { match: /^# Create Branch/m, turns: [bashTurn('git checkout -q -b "feat/bench-$(date +%s%N)"'), textTurn('feat/bench')] },
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
  /** The node flags the service runs with. */
  nodeArgs: string[];
  /** The environment `npm start` sets for node (the allocator's settings), part of `env`. */
  nodeEnv: Record<string, string>;
  /** The environment the agent CLI needs to reach the scripted model, for running it without the service. */
  agentEnv: NodeJS.ProcessEnv;
  /** The agent CLI as both the service and the floor run it: the real one, its start and exit recorded. */
  agentCli: string;
  /** Every agent process so far: when it started and exited (ms since the epoch) and the folder it ran in. */
  agentRuns(): Promise<AgentRun[]>;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface AgentRun {
  start: number;
  end: number;
  cwd: string;
}

/**
 * A shell wrapper that records when the real CLI starts and exits: time inside the agent CLI is measured, not derived
 * from what the service reports. The floor runs through the same wrapper, so its few milliseconds count on both sides.
 */
async function timedAgentCli(home: string): Promise<{ path: string; runs: () => Promise<AgentRun[]> }> {
  const log = path.join(home, 'agent-runs.log');
  const wrapper = path.join(home, 'claude-timed.sh');
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  await writeFile(wrapper, `#!/bin/sh\nstart=$(date +%s%3N)\n${quote(claudeCliPath)} "$@"\ncode=$?\necho "$start $(date +%s%3N) $PWD" >> ${quote(log)}\nexit $code\n`);
  await chmod(wrapper, 0o755);
  // The service runs the CLI as its agent user when it runs as root: that user appends here too.
  await writeFile(log, '');
  await chmod(log, 0o666);
  const runs = async () =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [start, end, ...cwd] = line.split(' ');
        return { start: Number(start), end: Number(end), cwd: cwd.join(' ') };
      });
  return { path: wrapper, runs };
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
  const agentCli = await timedAgentCli(home);
  const { nodeArgs, nodeEnv } = await serviceLaunch();
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
    CLAUDE_CLI_PATH: agentCli.path,
    LOG_LEVEL: 'warn',
    ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
    ...(process.env.AWO_MAX_CONCURRENT ? { AWO_MAX_CONCURRENT: process.env.AWO_MAX_CONCURRENT } : {}),
    ...nodeEnv,
    ...extraEnv,
  };
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  // Its own process group, with the dev server it starts: a service slow to stop is killed with it after a grace.
  const service = spawn(process.execPath, [...nodeArgs, path.join(projectRoot, 'dist', 'entrypoints', 'start-all.js')], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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
      const exited = new Promise((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      await Promise.race([exited, sleep(stopGraceMs)]);
    }
    try {
      process.kill(-service.pid!, 'SIGKILL');
    } catch {
      // The whole group is gone already.
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
  return { baseUrl, home, forge, model, process: service, nodeArgs, nodeEnv, agentEnv, agentCli: agentCli.path, agentRuns: agentCli.runs, env, stop };
}
