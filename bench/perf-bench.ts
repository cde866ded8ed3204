/**
 * `npm run bench` (second part): where a work order's time goes, measured against a floor in the same run.
 *
 * - Timeline of one work order, per step set (create-branch/planning/commit, and the default five): POST -> first agent
 *   process, gap between agent steps, last agent exit -> `completed` visible in GET. Agent processes are timed by a
 *   wrapper around the CLI (its start and exit), for the service and the floor alike. Below it, where the service's
 *   time goes: every mark of the work order's history (workflow tasks, activities scheduled / picked up / completed)
 *   with the agent spawns and exits, as the median time from one mark to the next.
 * - Every work order runs on one repository whose mirror the warm-up run made (a warm mirror, the usual case).
 * - Floor: the same agent turns run directly with `claude -p` in a clone of the same repository, no service; every
 *   figure is printed with its ratio to the floor, so the numbers hold on a noisy machine.
 * - Six at once (AWO_MAX_CONCURRENT=6) against the floor's six at once; the service's own CPU time per work order
 *   (its processes, not the agent processes it starts, nor the dev server); cancel latency (POST /cancel ->
 *   `cancelled` visible and the agent's processes gone); CPU per GET of one work order, its steps and the list, for a
 *   running and a completed work order; memory of the service's node processes idle and with 20 open work orders, the
 *   Temporal dev server's separately.
 *
 * BENCH_PERF_COUNT (default 5) sequential work orders per step set; BENCH_CANCEL_COUNT (default 10); BENCH_GET_COUNT
 * (default 200) GETs per kind; BENCH_PERF_PARTS (default timeline,six,cancel,get,memory) the parts to run.
 */
import { execFile, spawn } from 'node:child_process';
import { readFile, readdir, readlink, rm, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { AgentWorkOrder } from '../src/models/work-order.js';
import type { TestForge } from '../test/fixtures/test-forge.js';
import { bashTurn, type Rule, textTurn } from '../test/fixtures/model-server.js';
import { median, percentile } from './bench-helpers.js';
import { type AgentRun, type BenchService, benchStepRules, projectRoot, startBenchService } from './bench-service.js';
import { type Mark, printPhaseTable, workOrderMarks } from './work-order-phases.js';

const run = promisify(execFile);
const prefix = '/api/agent-work-orders';
const count = Number(process.env.BENCH_PERF_COUNT ?? 5);
const cancelCount = Number(process.env.BENCH_CANCEL_COUNT ?? 10);
const getCount = Number(process.env.BENCH_GET_COUNT ?? 200);
const concurrent = 6;
const pollMs = 20;
const cancelMarker = 'BENCH-CANCEL';
const sleepCommand = 'sleep 3717';
const threeSteps = ['create-branch', 'planning', 'commit'];
const fiveSteps = ['create-branch', 'planning', 'execute', 'commit', 'create-pr'];

const parts = new Set((process.env.BENCH_PERF_PARTS ?? 'timeline,six,cancel,get,memory').split(','));

const rules: Rule[] = [{ match: cancelMarker, turns: [bashTurn(sleepCommand), textTurn('slept')] }, ...benchStepRules];

type Repository = Awaited<ReturnType<TestForge['createRepository']>>;

interface Timeline {
  /** Every moment of the work order, from its history and the agent wrapper (service runs only). */
  marks?: Mark[];
  total: number;
  agent: number;
  toFirstAgent: number;
  gaps: number[];
  lastExitToVisible: number;
}

async function main(): Promise<void> {
  const bench = await startBenchService(rules, { AWO_MAX_CONCURRENT: String(concurrent) });
  const temporal = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${bench.env.AWO_TEMPORAL_PORT}` }) });
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'awo-bench-floor-'));
  try {
    console.log(`\n== perf bench (${os.cpus().length} CPUs, Node ${process.version}; ${count} per step set, limit ${concurrent}) ==`);
    const repository = await bench.forge.createRepository({ owner: 'bench', name: 'warm' });
    await serviceRun(bench, repository, threeSteps);
    await floorRun(bench, repository, scratch, 'warm-up', threeSteps);
    // Idle as a service sits between work orders: past the 10 s after which the worker's command spawner ends.
    await sleep(parts.has('memory') ? 12_000 : 2_000);
    const idle = await memory(bench.process.pid!);

    for (const steps of parts.has('timeline') ? [threeSteps, fiveSteps] : []) {
      const service: Timeline[] = [];
      const floor: Timeline[] = [];
      const cpuBefore = (await cpuSeconds(bench.process.pid!)).service;
      for (let index = 0; index < count; index += 1) {
        // Interleaved, so both see the same machine.
        service.push(await serviceRun(bench, repository, steps, temporal));
        floor.push(await floorRun(bench, repository, scratch, `f${steps.length}-${index}`, steps));
        process.stderr.write('.');
      }
      const cpuPerWorkOrder = ((await cpuSeconds(bench.process.pid!)).service - cpuBefore) / count;
      process.stderr.write('\n');
      console.log(`\n${steps.join(' / ')} (median of ${count}; ratio = service / floor)`);
      const pick = (timelines: Timeline[], key: keyof Omit<Timeline, 'gaps' | 'marks'>) => median(timelines.map((timeline) => timeline[key]));
      const serviceOverhead = service.map((timeline) => timeline.total - timeline.agent);
      const floorOverhead = floor.map((timeline) => timeline.total - timeline.agent);
      rows([
        ['POST -> completed', pick(service, 'total'), pick(floor, 'total')],
        ['inside the agent CLI', pick(service, 'agent'), pick(floor, 'agent')],
        ['overhead (the rest), median', median(serviceOverhead), median(floorOverhead)],
        ['overhead p90', percentile(serviceOverhead, 90), percentile(floorOverhead, 90)],
        ['POST -> first agent process', pick(service, 'toFirstAgent'), pick(floor, 'toFirstAgent')],
        ['gap between agent steps', median(service.flatMap((timeline) => timeline.gaps)), median(floor.flatMap((timeline) => timeline.gaps))],
        ['last agent exit -> completed visible', pick(service, 'lastExitToVisible'), pick(floor, 'lastExitToVisible')],
      ]);
      console.log(`service CPU time per work order (its own processes, not the agents'): ${cpuPerWorkOrder.toFixed(2)} s`);
      printPhaseTable(`where the service's time goes, ${steps.join(' / ')}`, service.map((timeline) => timeline.marks ?? []));
    }

    if (parts.has('six')) {
      const cpuBefore = await cpuSeconds(bench.process.pid!);
      const serviceStart = performance.now();
      await Promise.all(Array.from({ length: concurrent }, () => serviceRun(bench, repository, fiveSteps)));
      const serviceWall = (performance.now() - serviceStart) / 1000;
      const cpuAfter = await cpuSeconds(bench.process.pid!);
      const floorStart = performance.now();
      await Promise.all(Array.from({ length: concurrent }, (_, index) => floorRun(bench, repository, scratch, `pf-${index}`, fiveSteps)));
      const floorWall = (performance.now() - floorStart) / 1000;
      console.log(`\nsix at once (five steps, limit ${concurrent}): service ${serviceWall.toFixed(2)} s, floor ${floorWall.toFixed(2)} s, ratio ${(serviceWall / floorWall).toFixed(2)}`);
      console.log(
        `six at once, CPU time per work order (GET polled every ${pollMs} ms until completed): service ${((cpuAfter.service - cpuBefore.service) / concurrent).toFixed(2)} s ` +
          `(its node processes, not the agents'), Temporal dev server ${((cpuAfter.temporal - cpuBefore.temporal) / concurrent).toFixed(2)} s`,
      );
    }

    if (parts.has('cancel')) {
      const cancels: number[] = [];
      for (let index = 0; index < cancelCount; index += 1) cancels.push(await cancelOne(bench, repository));
      console.log(`cancel: POST /cancel -> cancelled visible and agent processes gone: median ${seconds(median(cancels))}, p95 ${seconds(percentile(cancels, 95))} (n=${cancelCount})`);
    }

    if (parts.has('get')) await getCosts(bench, repository);

    if (!parts.has('memory')) return;
    const open = await Promise.all(Array.from({ length: 20 }, () => post(bench, repository, cancelMarker, threeSteps)));
    await waitUntil(async () => (await processesWith(sleepCommand)).length >= concurrent, 'the agents of the open work orders to start');
    const busy = await memory(bench.process.pid!);
    await Promise.all(open.map((id) => fetch(`${bench.baseUrl}${prefix}/${id}/cancel`, { method: 'POST' })));
    printMemory(bench, idle, busy);
  } finally {
    await temporal.connection.close();
    await bench.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function post(bench: BenchService, repository: Repository, request: string, steps: string[]): Promise<string> {
  const created = await fetch(`${bench.baseUrl}${prefix}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ repository_url: repository.htmlUrl, user_request: request, sandbox_type: 'git_worktree', selected_commands: steps }),
  });
  if (created.status !== 201) throw new Error(`POST answered ${created.status}: ${await created.text()}`);
  return ((await created.json()) as { agent_work_order_id: string }).agent_work_order_id;
}

async function serviceRun(bench: BenchService, repository: Repository, steps: string[], temporal?: Client): Promise<Timeline> {
  const postedAt = Date.now();
  const id = await post(bench, repository, 'Add bench.txt', steps);
  for (;;) {
    const state = (await (await fetch(`${bench.baseUrl}${prefix}/${id}`)).json()) as AgentWorkOrder;
    if (state.status === 'completed') break;
    if (state.status === 'failed' || state.status === 'cancelled') throw new Error(`${id} ${state.status}: ${state.error_message}`);
    await sleep(pollMs);
  }
  const visibleAt = Date.now();
  // The sandbox folder is named after the work order. A step returns at its agent's turn end, so the last CLI may still
  // be shutting down (its run is logged at its exit) when `completed` is visible.
  const ofThisWorkOrder = (cwd: string) => cwd.includes(`/${id}/`);
  const agentSteps = steps.filter((step) => step !== 'create-pr').length;
  await waitUntil(async () => (await agentRunsIn(bench, ofThisWorkOrder)).length >= agentSteps, `the agents of ${id} to exit`);
  const agents = await agentRunsIn(bench, ofThisWorkOrder);
  const marks = temporal ? await workOrderMarks(temporal, id, { postedAt, visibleAt, agents }) : undefined;
  return { ...timeline(postedAt, visibleAt, agents), ...(marks ? { marks } : {}) };
}

async function agentRunsIn(bench: BenchService, inFolder: (cwd: string) => boolean): Promise<AgentRun[]> {
  return (await bench.agentRuns()).filter((agentRun) => inFolder(agentRun.cwd)).sort((left, right) => left.start - right.start);
}

/** The same turns without the service: a clone of the same repository, then `claude -p` per step, then a push. */
async function floorRun(bench: BenchService, repository: Repository, scratch: string, name: string, steps: string[]): Promise<Timeline> {
  const startedAt = Date.now();
  const dir = path.join(scratch, name);
  await run('git', ['clone', '-q', '--shared', repository.bareDir, dir]);
  for (const step of steps.filter((candidate) => candidate !== 'create-pr')) {
    const prompt = await readFile(path.join(projectRoot, '.claude', 'commands', 'agent-work-orders', `${step}.md`), 'utf8');
    await claudePrint(bench, dir, prompt.replaceAll('$ARGUMENTS', 'Add bench.txt').replaceAll('$1', 'Add bench.txt'));
  }
  if (steps.includes('create-pr')) await run('git', ['-C', dir, 'push', '-q', 'origin', 'HEAD']);
  return timeline(startedAt, Date.now(), await agentRunsIn(bench, (cwd) => cwd === dir));
}

function claudePrint(bench: BenchService, cwd: string, prompt: string): Promise<void> {
  const env = bench.agentEnv;
  return new Promise((resolve, reject) => {
    const child = spawn(bench.agentCli, ['-p', '--output-format', 'json', '--dangerously-skip-permissions'], { cwd, env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(prompt);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`claude -p exited ${code}: ${stderr.slice(-500)}`))));
  });
}

/**
 * Time inside the agent CLI counts only until `completed` is visible: a CLI that still shuts down after it no longer
 * holds the user up. `last agent exit -> completed visible` is then negative.
 */
function timeline(startedAt: number, visibleAt: number, agentSteps: Array<{ start: number; end: number }>): Timeline {
  const first = agentSteps[0]!;
  const last = agentSteps.at(-1)!;
  return {
    total: (visibleAt - startedAt) / 1000,
    agent: agentSteps.reduce((sum, step) => sum + Math.max(0, Math.min(step.end, visibleAt) - step.start), 0) / 1000,
    toFirstAgent: (first.start - startedAt) / 1000,
    gaps: agentSteps.slice(1).map((step, index) => (step.start - agentSteps[index]!.end) / 1000),
    lastExitToVisible: (visibleAt - last.end) / 1000,
  };
}

async function cancelOne(bench: BenchService, repository: Repository): Promise<number> {
  const id = await post(bench, repository, cancelMarker, threeSteps);
  await waitUntil(async () => (await processesIn(id)).length > 0 && (await processesWith(sleepCommand)).length > 0, `the agent of ${id} to run`);
  const cancelAt = performance.now();
  const cancelled = await fetch(`${bench.baseUrl}${prefix}/${id}/cancel`, { method: 'POST' });
  if (!cancelled.ok) throw new Error(`POST /cancel answered ${cancelled.status}`);
  let visible = false;
  let gone = false;
  while (!(visible && gone)) {
    visible ||= ((await (await fetch(`${bench.baseUrl}${prefix}/${id}`)).json()) as AgentWorkOrder).status === 'cancelled';
    gone ||= (await processesIn(id)).length === 0 && (await processesWith(sleepCommand)).length === 0;
    if (performance.now() - cancelAt > 120_000) throw new Error(`${id} was not cancelled within 120 s`);
    await sleep(pollMs);
  }
  return (performance.now() - cancelAt) / 1000;
}

/**
 * CPU time the service (API and worker, not the dev server) spends per GET, each kind asked getCount times in a row of
 * a running work order (its agent sleeps) and of a completed one: what a polling UI costs it.
 */
async function getCosts(bench: BenchService, repository: Repository): Promise<void> {
  const completed = await post(bench, repository, 'Add bench.txt', threeSteps);
  await waitUntil(async () => ((await (await fetch(`${bench.baseUrl}${prefix}/${completed}`)).json()) as AgentWorkOrder).status === 'completed', `${completed} to complete`);
  const running = await post(bench, repository, cancelMarker, threeSteps);
  await waitUntil(async () => (await processesIn(running)).length > 0 && (await processesWith(sleepCommand)).length > 0, `the agent of ${running} to run`);
  console.log(`\nCPU per GET (${getCount} in a row each; service = its node processes, dev server separately; latency p50 / p99)`);
  for (const [label, url] of [
    ['GET one, running', `${prefix}/${running}`],
    ['GET steps, running', `${prefix}/${running}/steps`],
    ['GET one, completed', `${prefix}/${completed}`],
    ['GET steps, completed', `${prefix}/${completed}/steps`],
    ['GET list ?limit=100', `${prefix}/?limit=100`],
  ] as const) {
    const before = await cpuSeconds(bench.process.pid!);
    const times: number[] = [];
    for (let index = 0; index < getCount; index += 1) {
      const startedAt = performance.now();
      const response = await fetch(`${bench.baseUrl}${url}`);
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      await response.arrayBuffer();
      times.push(performance.now() - startedAt);
    }
    const after = await cpuSeconds(bench.process.pid!);
    const perGet = (kind: 'service' | 'temporal') => `${(((after[kind] - before[kind]) / getCount) * 1000).toFixed(2)} ms`;
    console.log(
      `${label.padEnd(22)} service ${perGet('service').padStart(8)}  dev server ${perGet('temporal').padStart(8)}  latency ${percentile(times, 50).toFixed(1)} / ${percentile(times, 99).toFixed(1)} ms`,
    );
  }
  await fetch(`${bench.baseUrl}${prefix}/${running}/cancel`, { method: 'POST' });
}

async function waitUntil(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

async function pids(): Promise<number[]> {
  return (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number);
}

async function processesWith(text: string): Promise<number[]> {
  const found = await Promise.all((await pids()).map(async (pid) => ((await readProc(pid, 'cmdline')).replaceAll('\0', ' ').includes(text) ? pid : 0)));
  return found.filter(Boolean);
}

/** Processes working in the work order's sandbox: the agent CLI and the tools it started. */
async function processesIn(id: string): Promise<number[]> {
  const found = await Promise.all((await pids()).map(async (pid) => ((await readlink(`/proc/${pid}/cwd`).catch(() => '')).includes(id) ? pid : 0)));
  return found.filter(Boolean);
}

async function readProc(pid: number, file: string): Promise<string> {
  return readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => '');
}

interface ServiceProcess {
  pid: number;
  kind: 'service' | 'tool' | 'temporal';
  /** The command line, shortened for a table. */
  label: string;
}

/** The service's process tree without the agent CLIs (and what they started): node processes and the dev server. */
async function serviceTree(root: number): Promise<ServiceProcess[]> {
  const entries = await Promise.all(
    (await pids()).map(async (pid) => {
      const stat = await readProc(pid, 'stat');
      const cmdline = (await readProc(pid, 'cmdline')).replaceAll('\0', ' ').trim();
      return { pid, ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), cmdline };
    }),
  );
  const tree: ServiceProcess[] = [];
  const visit = (pid: number) => {
    const entry = entries.find((candidate) => candidate.pid === pid);
    if (!entry || entry.cmdline.includes('claude')) return;
    const [command = '', ...args] = entry.cmdline.split(' ');
    // git and the other tools the worker runs count to its CPU time, not to the node processes' memory.
    const kind = /temporal/.test(command) ? 'temporal' : command === process.execPath || path.basename(command) === 'node' ? 'service' : 'tool';
    // A script given with -e (the command spawner) is named by its first characters.
    const full = kind === 'temporal' ? `${path.basename(command)} ${args.slice(0, 2).join(' ')}` : [path.basename(command), ...args.map((arg) => arg.replace(`${projectRoot}/`, ''))].join(' ');
    const label = full.replace(/\s+/g, ' ').slice(0, 90);
    tree.push({ pid, kind, label });
    entries.filter((child) => child.ppid === pid).forEach((child) => visit(child.pid));
  };
  visit(root);
  return tree;
}

interface ProcessMemory extends ServiceProcess {
  rss: number;
}

async function memory(root: number): Promise<ProcessMemory[]> {
  return Promise.all(
    (await serviceTree(root)).map(async (entry) => ({ ...entry, rss: Number(/VmRSS:\s+(\d+)/.exec(await readProc(entry.pid, 'status'))?.[1] ?? 0) * 1024 })),
  );
}

/** One row per process of the service (idle, then with 20 open work orders), their sum, and the dev server apart. */
function printMemory(bench: BenchService, idle: ProcessMemory[], busy: ProcessMemory[]): void {
  const nodeEnv = Object.entries(bench.nodeEnv).map(([name, value]) => `${name}=${value}`).join(' ') || 'none';
  console.log(`\nmemory RSS (node flags: ${bench.nodeArgs.join(' ') || 'none'}; environment: ${nodeEnv}; the agents' processes not counted)`);
  const table: Array<[string, string, string]> = [['process', 'idle', `20 open (${concurrent} agents running)`]];
  const byPid = (list: ProcessMemory[], pid: number) => list.find((entry) => entry.pid === pid)?.rss;
  const cell = (bytes: number | undefined) => (bytes === undefined ? '-' : mib(bytes));
  const all = [...idle, ...busy.filter((entry) => !idle.some((other) => other.pid === entry.pid))];
  const sum = (list: ProcessMemory[], kind: ServiceProcess['kind']) => list.filter((entry) => entry.kind === kind).reduce((total, entry) => total + entry.rss, 0);
  for (const entry of all.filter((candidate) => candidate.kind === 'service')) table.push([`${entry.pid} ${entry.label}`, cell(byPid(idle, entry.pid)), cell(byPid(busy, entry.pid))]);
  table.push(['service node processes, total', mib(sum(idle, 'service')), mib(sum(busy, 'service'))]);
  for (const entry of all.filter((candidate) => candidate.kind === 'temporal')) table.push([`Temporal dev server (${entry.label})`, cell(byPid(idle, entry.pid)), cell(byPid(busy, entry.pid))]);
  const widths = [0, 1, 2].map((column) => Math.max(...table.map((row) => row[column]!.length)));
  for (const [label, idleCell, busyCell] of table) console.log(`  ${label.padEnd(widths[0]!)}  ${idleCell.padStart(widths[1]!)}  ${busyCell.padStart(widths[2]!)}`);
}

/**
 * User + system time of the service's own processes (node and the tools it runs while they run) and of the dev server;
 * the agents' processes are not in the tree, and children's time of ended processes is not counted.
 */
async function cpuSeconds(root: number): Promise<{ service: number; temporal: number }> {
  const ticks = { service: 0, temporal: 0 };
  for (const { pid, kind } of await serviceTree(root)) {
    const stat = await readProc(pid, 'stat');
    // A process that ended since the tree was read has no stat left to count.
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // The tools the worker runs (git, ...) count to the service.
    ticks[kind === 'temporal' ? 'temporal' : 'service'] += Number(fields[11]) + Number(fields[12]);
  }
  return { service: ticks.service / 100, temporal: ticks.temporal / 100 };
}

function rows(table: Array<[string, number, number]>): void {
  const width = Math.max(...table.map(([label]) => label.length));
  console.log(`${''.padEnd(width)}  ${'service'.padStart(8)}  ${'floor'.padStart(8)}  ratio`);
  for (const [label, service, floor] of table) {
    console.log(`${label.padEnd(width)}  ${seconds(service).padStart(8)}  ${seconds(floor).padStart(8)}  ${floor > 0 ? (service / floor).toFixed(2) : '-'}`);
  }
}

function seconds(value: number): string {
  return `${value.toFixed(3)} s`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

main().catch((error: unknown) => {
  console.error(`perf bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
