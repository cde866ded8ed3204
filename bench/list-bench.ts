/**
 * `npm run bench` (second part): GET /api/agent-work-orders latency with 1,000 work orders (BENCH_LIST_COUNT). Runs the
 * built API alone against an embedded Temporal dev server with no worker: work orders are created through the API
 * (pending), half of them then terminated (they list as failed), so the list reads both open and closed rows from
 * visibility. Prints p50/p99 per query (the API keeps a page for half a second: most requests are answered from it);
 * the target is p99 <= 50 ms. Printed, never asserted.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePorts, percentile } from './bench-helpers.js';

const execFileAsync = promisify(execFile);
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const prefix = '/api/agent-work-orders';
const total = Number(process.env.BENCH_LIST_COUNT ?? 1000);
const samples = Number(process.env.BENCH_LIST_SAMPLES ?? 100);

async function main(): Promise<void> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'awo-list-bench-'));
  const [temporalPort, uiPort, apiPort] = await freePorts(3);
  const address = `127.0.0.1:${temporalPort}`;
  const cli = (await execFileAsync(process.execPath, [path.join(projectRoot, 'scripts', 'install-temporal-cli.mjs')])).stdout.trim().split('\n').at(-1)!;
  const children: ChildProcess[] = [];
  const output: string[] = [];
  const start = (args: string[], command = process.execPath) => {
    const child = spawn(command, args, { env: { ...env, PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    children.push(child);
    return child;
  };
  const env: NodeJS.ProcessEnv = {
    AWO_HOME: home,
    AWO_HOST: '127.0.0.1',
    AWO_PORT: String(apiPort),
    TEMPORAL_ADDRESS: address,
    GITHUB_TOKEN: 'ghp_benchlisttoken0123456789abcdef',
    LOG_LEVEL: 'warn',
  };
  try {
    start(['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(temporalPort), '--ui-port', String(uiPort), '--db-filename', path.join(home, 'temporal.db'), '--log-level', 'error'], cli);
    const setup = start([path.join(projectRoot, 'dist', 'entrypoints', 'register-search-attributes-main.js')]);
    const setupCode = await new Promise<number | null>((resolve) => setup.once('exit', resolve));
    if (setupCode !== 0) throw new Error(`search attribute setup failed:\n${output.join('')}`);
    // BENCH_LIST_API_NODE_ARGS: node options for the API process only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    const apiNodeArgs = (process.env.BENCH_LIST_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const api = start([...apiNodeArgs, path.join(projectRoot, 'dist', 'entrypoints', 'api-main.js')]);
    const baseUrl = `http://127.0.0.1:${apiPort}`;
    await waitForList(baseUrl, api, () => output.join(''));

    const createdAt = Date.now();
    // Half of them terminated in one batch (they list as failed), the other half left pending: open and closed rows.
    const terminated = Math.floor(total / 2);
    await createWorkOrders(baseUrl, terminated);
    const running = `WorkflowType = 'agentWorkOrderWorkflow' AND ExecutionStatus = 'Running'`;
    await execFileAsync(cli, ['workflow', 'terminate', '--address', address, '--query', running, '--reason', 'list bench', '--yes']);
    await waitForCount(`${baseUrl}${prefix}/?status=failed&limit=1000`, terminated);
    await createWorkOrders(baseUrl, total - terminated);
    // Visibility is eventually consistent: measure once the list sees every row.
    await waitForCount(`${baseUrl}${prefix}/?limit=1000`, total);
    console.log(`\nGET list with ${total} work orders (${terminated} terminated = failed, the rest pending; API alone, no worker), set up in ${((Date.now() - createdAt) / 1000).toFixed(1)} s`);

    for (const query of ['?limit=100', '?limit=1000', '?status=failed&limit=100', '?status=pending&limit=100']) {
      const times: number[] = [];
      for (let index = 0; index < samples; index += 1) {
        const startedAt = performance.now();
        await getJson(`${baseUrl}${prefix}/${query}`);
        times.push(performance.now() - startedAt);
      }
      console.log(`GET ${prefix}/${query.padEnd(26)} p50 ${percentile(times, 50).toFixed(1)} ms  p99 ${percentile(times, 99).toFixed(1)} ms  (${samples} requests; target p99 <= 50 ms)`);
    }
  } finally {
    for (const child of children.reverse()) child.kill('SIGTERM');
    await sleep(500);
    await rm(home, { recursive: true, force: true });
  }
}

/** With no worker the API reports itself unhealthy, so readiness is the list answering. */
async function waitForList(baseUrl: string, api: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}:\n${output()}`);
    if (await fetch(`${baseUrl}${prefix}/?limit=1`).then((response) => response.ok, () => false)) return;
    await sleep(300);
  }
  throw new Error(`the API did not answer:\n${output()}`);
}

async function waitForCount(url: string, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (((await getJson(url)) as unknown[]).length < count) {
    if (Date.now() > deadline) throw new Error(`${url} never listed ${count} work orders`);
    await sleep(250);
  }
}

async function createWorkOrders(baseUrl: string, count: number): Promise<void> {
  await runPool(
    Array.from({ length: count }, (_, index) => index),
    16,
    async (index) => {
      const response = await fetch(`${baseUrl}${prefix}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ repository_url: `https://github.com/bench/list-${index % 10}`, user_request: `list bench ${index}`, sandbox_type: 'git_branch' }),
      });
      if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
    },
  );
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function runPool<T>(items: T[], lanes: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
