/**
 * `npm run bench`: starts the service the way the README does (the built start-all entry point with its embedded
 * Temporal dev server), on the real Claude Code CLI against a scripted model that answers at once and a local forge,
 * and prints, per sandbox type: POST-to-completed times for sequential work orders (median, p95), the part spent inside
 * the agent CLI (from the step history), the rest as orchestration overhead, and the throughput of concurrent ones.
 *
 * BENCH_COUNT (default 20) work orders per measurement; BENCH_SANDBOXES (default git_worktree,git_branch).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { AgentWorkOrder, StepRecord } from '../src/models/work-order.js';
import { bashTurn, type Rule, startModelServer, textTurn, writeTurn } from '../test/fixtures/model-server.js';
import { startTestForge, type TestForge } from '../test/fixtures/test-forge.js';
import { freePorts, median, percentile, waitForHealth } from './bench-helpers.js';

// Compiled to dist-bench/bench/ (its own out dir, so test fixtures stay out of dist/); the service runs from dist/.
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const prefix = '/api/agent-work-orders';
const token = 'ghp_benchforgetoken0123456789abcdef';
const count = Number(process.env.BENCH_COUNT ?? 20);
const sandboxTypes = (process.env.BENCH_SANDBOXES ?? 'git_worktree,git_branch').split(',');
const pollMs = 100;

/** The default five steps, each answered at once: a branch, a plan, a file, a commit; the service opens the PR. */
const rules: Rule[] = [
  { match: /^# Create Branch/m, turns: [bashTurn('git checkout -b feat/bench'), textTurn('feat/bench')] },
  { match: /^# Planning/m, turns: [writeTurn('PRPs/plan.md', '# Plan\n\n1. Add the file.\n'), textTurn('Plan written to PRPs/plan.md')] },
  { match: /^# Execute/m, turns: [writeTurn('bench.txt', 'hello\n'), textTurn('Wrote bench.txt')] },
  { match: /^# Commit/m, turns: [bashTurn('git add -A && git commit -q -m "feat: bench change"'), textTurn('feat: bench change')] },
];

interface Measured {
  totalSeconds: number;
  agentSeconds: number;
}

async function main(): Promise<void> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'awo-bench-'));
  const model = await startModelServer({ rules });
  const forge = await startTestForge({ token });
  const [apiPort, temporalPort, uiPort] = await freePorts(3);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWO_HOME: home,
    AWO_HOST: '127.0.0.1',
    AWO_PORT: String(apiPort),
    AWO_TEMPORAL_PORT: String(temporalPort),
    AWO_TEMPORAL_UI_PORT: String(uiPort),
    GITHUB_TOKEN: token,
    GITHUB_API_URL: forge.apiUrl,
    GITHUB_SERVER_URL: forge.url,
    CLAUDE_CLI_PATH: path.join(projectRoot, 'node_modules', '.bin', 'claude'),
    CLAUDE_CONFIG_DIR: path.join(home, 'claude-config'),
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: 'sk-ant-bench-dummy',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    IS_SANDBOX: '1',
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.test',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.test',
    LOG_LEVEL: 'warn',
    ...(process.env.TEMPORAL_CLI_PATH ? { TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH } : {}),
    ...(process.env.AWO_MAX_CONCURRENT ? { AWO_MAX_CONCURRENT: process.env.AWO_MAX_CONCURRENT } : {}),
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
  try {
    const startedAt = Date.now();
    await waitForHealth(baseUrl, service, () => output);
    console.log(`service up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (${os.cpus().length} CPUs, Node ${process.version}); ${count} work orders per measurement, steps create-branch, planning, execute, commit, create-pr`);
    console.log(`AWO_MAX_CONCURRENT=${env.AWO_MAX_CONCURRENT ?? '5 (default)'}\n`);

    // One untimed work order first: the Temporal server, the worker's workflow bundle and the CLI's caches warm up.
    await runOne(baseUrl, forge, 'warm-up', sandboxTypes[0]!);

    const header = ['sandbox', 'seq median', 'seq p95', 'agent CLI (median)', 'overhead (median)', 'overhead share', `${count} concurrent: wall`, 'throughput', 'concurrent median latency'];
    const rows: string[][] = [];
    for (const sandboxType of sandboxTypes) {
      const sequential: Measured[] = [];
      for (let index = 0; index < count; index += 1) {
        sequential.push(await runOne(baseUrl, forge, `seq-${sandboxType}-${index}`, sandboxType));
        process.stderr.write('.');
      }
      const concurrentStart = Date.now();
      const concurrent = await Promise.all(Array.from({ length: count }, (_, index) => runOne(baseUrl, forge, `par-${sandboxType}-${index}`, sandboxType)));
      const wallSeconds = (Date.now() - concurrentStart) / 1000;
      process.stderr.write('\n');
      const totals = sequential.map((item) => item.totalSeconds);
      const agents = sequential.map((item) => item.agentSeconds);
      const overheads = sequential.map((item) => item.totalSeconds - item.agentSeconds);
      rows.push([
        sandboxType,
        seconds(median(totals)),
        seconds(percentile(totals, 95)),
        seconds(median(agents)),
        seconds(median(overheads)),
        `${((median(overheads) / median(totals)) * 100).toFixed(0)}%`,
        seconds(wallSeconds),
        `${((count / wallSeconds) * 60).toFixed(1)}/min`,
        seconds(median(concurrent.map((item) => item.totalSeconds))),
      ]);
      process.stderr.write(`${sandboxType}: ${rows.at(-1)!.join(' | ')}\n`);
    }
    printTable(header, rows);
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
    await model.close();
    await forge.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** POST, then poll until the work order has ended; the agent's share is the sum of the agent steps' durations. */
async function runOne(baseUrl: string, forge: TestForge, name: string, sandboxType: string): Promise<Measured> {
  const repository = await forge.createRepository({ owner: 'bench', name });
  const postedAt = performance.now();
  const created = await fetch(`${baseUrl}${prefix}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ repository_url: repository.htmlUrl, user_request: 'Add bench.txt', sandbox_type: sandboxType }),
  });
  if (created.status !== 201) throw new Error(`POST answered ${created.status}: ${await created.text()}`);
  const { agent_work_order_id: id } = (await created.json()) as { agent_work_order_id: string };
  for (;;) {
    const state = (await (await fetch(`${baseUrl}${prefix}/${id}`)).json()) as AgentWorkOrder;
    if (state.status === 'completed') break;
    if (state.status === 'failed' || state.status === 'cancelled') throw new Error(`${id} ${state.status}: ${state.error_message}`);
    await sleep(pollMs);
  }
  const totalSeconds = (performance.now() - postedAt) / 1000;
  const { steps } = (await (await fetch(`${baseUrl}${prefix}/${id}/steps`)).json()) as { steps: StepRecord[] };
  const agentSeconds = steps.filter((step) => step.agent_name === 'claude-code').reduce((sum, step) => sum + step.duration_seconds, 0);
  return { totalSeconds, agentSeconds };
}

function seconds(value: number): string {
  return `${value.toFixed(2)} s`;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
