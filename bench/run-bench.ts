/**
 * `npm run bench`: starts the service the way the README does (the built start-all entry point with its embedded
 * Temporal dev server), on the real Claude Code CLI against a scripted model that answers at once and a local forge,
 * and prints, per sandbox type: POST-to-completed times for sequential work orders (median, p95), the part spent inside
 * the agent CLI (from the step history), the rest as orchestration overhead, and the throughput of concurrent ones.
 *
 * BENCH_COUNT (default 5) work orders per measurement; BENCH_SANDBOXES (default git_worktree,git_branch).
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentWorkOrder, StepRecord } from '../src/models/work-order.js';
import type { TestForge } from '../test/fixtures/test-forge.js';
import { median, percentile } from './bench-helpers.js';
import { benchStepRules, startBenchService } from './bench-service.js';

const prefix = '/api/agent-work-orders';
const count = Number(process.env.BENCH_COUNT ?? 5);
const sandboxTypes = (process.env.BENCH_SANDBOXES ?? 'git_worktree,git_branch').split(',');
const pollMs = 100;

interface Measured {
  totalSeconds: number;
  agentSeconds: number;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const bench = await startBenchService(benchStepRules);
  const { baseUrl, forge, env } = bench;
  try {
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
    await bench.stop();
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
