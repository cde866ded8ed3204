import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BatchedLogWriter } from '../../../src/logs/batched-log-writer.js';
import { openWorkOrderLogStore } from '../../../src/logs/open-log-store.js';
import type { LogLevel, WorkOrderLogEntry } from '../../../src/models/work-order-log-entry.js';
import type { WorkOrderLogStore } from '../../../src/logs/work-order-log-store.js';
import { createLogger } from '../../../src/logger.js';
import { pruneWorkOrderLogs } from '../../../src/retention/log-retention.js';
import type { RetentionDeps } from '../../../src/retention/retention-cleanup.js';
import { startTestPostgres, type TestPostgres } from '../../utils/postgres-server.js';

let postgres: TestPostgres;
let scratch: string;

beforeAll(async () => {
  postgres = await startTestPostgres();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'awo-logs-'));
}, 120_000);

afterAll(async () => {
  await postgres?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const workOrderId = () => `wo-${randomBytes(4).toString('hex')}`;

function entry(agentWorkOrderId: string, event: string, options: { level?: LogLevel; step?: string | null; at?: Date; extra?: Record<string, unknown> } = {}): WorkOrderLogEntry {
  return {
    timestamp: (options.at ?? new Date()).toISOString(),
    level: options.level ?? 'info',
    event,
    agent_work_order_id: agentWorkOrderId,
    step: options.step === undefined ? 'planning' : options.step,
    ...options.extra,
  };
}

describe.each(['files', 'postgresql'] as const)('work-order log store in %s', (kind) => {
  let store: WorkOrderLogStore;

  beforeEach(async () => {
    const workOrderDir = await mkdtemp(path.join(scratch, 'work-orders-'));
    const databaseUrl = kind === 'postgresql' ? await postgres.createDatabase(`logs_${randomBytes(6).toString('hex')}`) : undefined;
    store = await openWorkOrderLogStore({ workOrderDir, AWO_DATABASE_URL: databaseUrl });
  });

  afterEach(() => store.close());

  it('is the kind the configuration asks for', () => {
    expect(store.kind).toBe(kind);
  });

  it('keeps each work order’s entries in order, apart from others, and pages them with filters and a total', async () => {
    const [a, b] = [workOrderId(), workOrderId()];
    await store.append([
      entry(a, 'sandbox_sandbox_ready', { step: null }),
      entry(b, 'other_work_order_event'),
      entry(a, 'agent_step_started'),
      entry(a, 'agent_tool_completed', { level: 'warn', extra: { content: 'ünïcödé ✓ and "quotes"\nnewline' } }),
    ]);
    await store.append([entry(a, 'agent_step_started', { step: 'execute' }), entry(a, 'agent_step_failed', { level: 'error', step: 'execute' })]);

    const all = await store.page(a, { limit: 100, offset: 0 });
    expect(all.total).toBe(5);
    expect(all.entries.map((logged) => logged.event)).toEqual(['sandbox_sandbox_ready', 'agent_step_started', 'agent_tool_completed', 'agent_step_started', 'agent_step_failed']);
    expect(all.entries[2]!.content).toBe('ünïcödé ✓ and "quotes"\nnewline');
    expect(all.entries[0]!.step).toBeNull();

    const page = await store.page(a, { limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.entries.map((logged) => logged.event)).toEqual(['agent_step_started', 'agent_tool_completed']);

    const planning = await store.page(a, { limit: 100, offset: 0, step: 'planning' });
    expect(planning.total).toBe(2);
    const errors = await store.page(a, { limit: 100, offset: 0, level: 'error', step: 'execute' });
    expect(errors.entries.map((logged) => logged.event)).toEqual(['agent_step_failed']);
    expect(await store.page(a, { limit: 10, offset: 50 })).toEqual({ entries: [], total: 5 });

    expect((await store.page(b, { limit: 100, offset: 0 })).entries.map((logged) => logged.event)).toEqual(['other_work_order_event']);
    expect(await store.page(workOrderId(), { limit: 100, offset: 0 })).toEqual({ entries: [], total: 0 });
  });

  it('follows a log: the backlog first, then what is appended, numbered 1, 2, ... so a client resumes after a position', async () => {
    const id = workOrderId();
    const follower = store.follow(id, 0);
    expect(await follower.readNew()).toEqual([]);
    await store.append([entry(id, 'first'), entry(id, 'second')]);
    expect((await follower.readNew()).map(({ seq, entry: logged }) => [seq, logged.event])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
    expect(await follower.readNew()).toEqual([]);
    await store.append([entry(id, 'third')]);
    expect((await follower.readNew()).map(({ seq, entry: logged }) => [seq, logged.event])).toEqual([[3, 'third']]);

    const resumed = store.follow(id, 2);
    expect((await resumed.readNew()).map(({ seq }) => seq)).toEqual([3]);
  });

  it('hands a long backlog to a follower whole and in order', async () => {
    const id = workOrderId();
    const count = 2_500;
    for (let start = 0; start < count; start += 500) {
      await store.append(Array.from({ length: 500 }, (_, index) => entry(id, `event_${start + index}`)));
    }
    const read = await store.follow(id, 0).readNew();
    expect(read).toHaveLength(count);
    expect(read.every(({ seq, entry: logged }, index) => seq === index + 1 && logged.event === `event_${index}`)).toBe(true);
  });

  it('writes batches from concurrent writers without losing or reordering a writer’s entries', async () => {
    const id = workOrderId();
    const logger = createLogger('silent');
    const writers = [0, 1, 2].map(() => new BatchedLogWriter({ store: async () => store, logger, maxBatch: 7, delayMs: 5 }));
    writers.forEach((writer, w) => {
      for (let index = 0; index < 40; index += 1) writer.append(entry(id, `w${w}_${index}`));
    });
    await Promise.all(writers.map((writer) => writer.flush()));
    const read = await store.follow(id, 0).readNew();
    expect(read.map(({ seq }) => seq)).toEqual(Array.from({ length: 120 }, (_, index) => index + 1));
    for (const w of [0, 1, 2]) {
      expect(read.map(({ entry: logged }) => logged.event).filter((event) => event.startsWith(`w${w}_`))).toEqual(Array.from({ length: 40 }, (_, index) => `w${w}_${index}`));
    }
  });

  it('finds logs whose newest entry is older than a cutoff and removes them whole', async () => {
    const [old, recent] = [workOrderId(), workOrderId()];
    const now = Date.now();
    const days = (count: number) => new Date(now - count * 86_400_000);
    await store.append([entry(old, 'old_first', { at: days(10) }), entry(old, 'old_last', { at: days(9) }), entry(recent, 'recent_first', { at: days(10) })]);
    await store.append([entry(recent, 'recent_last', { at: days(1) })]);

    const expired = await store.findExpired(days(7));
    if (kind === 'files') {
      // A log file belongs to its work-order folder, which folder retention removes with it (see retention tests).
      expect(expired).toEqual([]);
    } else {
      expect(expired).toEqual([old]);
    }
    await store.remove([old]);
    expect(await store.page(old, { limit: 10, offset: 0 })).toEqual({ entries: [], total: 0 });
    expect((await store.page(recent, { limit: 10, offset: 0 })).total).toBe(2);
    // A removed log starts again from position 1 if the id is ever reused.
    await store.append([entry(old, 'again')]);
    expect((await store.follow(old, 0).readNew()).map(({ seq }) => seq)).toEqual([1]);
  });
});

describe('log retention', () => {
  it('prunes expired logs of ended work orders from PostgreSQL and keeps an open work order’s log', async () => {
    const store = await openWorkOrderLogStore({ workOrderDir: scratch, AWO_DATABASE_URL: await postgres.createDatabase(`prune_${randomBytes(6).toString('hex')}`) });
    try {
      const [ended, open, recent] = [workOrderId(), workOrderId(), workOrderId()];
      const longAgo = new Date(Date.now() - 30 * 86_400_000);
      await store.append([entry(ended, 'old', { at: longAgo }), entry(open, 'old', { at: longAgo }), entry(recent, 'new')]);
      const deps = { logger: createLogger('silent'), isWorkOrderOpen: async (id: string) => id === open, logStore: async () => store } as unknown as RetentionDeps;

      const { removed } = await pruneWorkOrderLogs(deps, { cutoff: new Date(Date.now() - 7 * 86_400_000).toISOString() });

      expect(removed).toEqual([ended]);
      expect((await store.page(ended, { limit: 10, offset: 0 })).total).toBe(0);
      expect((await store.page(open, { limit: 10, offset: 0 })).total).toBe(1);
      expect((await store.page(recent, { limit: 10, offset: 0 })).total).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe('batched log writer', () => {
  it('writes in few round trips, keeps entries the store refused and writes them once it accepts again', async () => {
    const batches: number[] = [];
    let down = false;
    const written: string[] = [];
    const store = {
      append: async (entries: readonly WorkOrderLogEntry[]) => {
        if (down) throw new Error('connection refused');
        batches.push(entries.length);
        written.push(...entries.map((logged) => logged.event));
      },
    } as unknown as WorkOrderLogStore;
    const writer = new BatchedLogWriter({ store: async () => store, logger: createLogger('silent'), maxBatch: 100, delayMs: 10_000 });
    for (let index = 0; index < 250; index += 1) writer.append(entry('wo-00000000', `e${index}`));
    await writer.flush();
    expect(batches).toEqual([100, 100, 50]);

    down = true;
    writer.append(entry('wo-00000000', 'while_down'));
    await expect(writer.flush()).rejects.toThrow('connection refused');
    down = false;
    writer.append(entry('wo-00000000', 'after'));
    await writer.flush();
    expect(written.slice(-2)).toEqual(['while_down', 'after']);
    expect(written).toHaveLength(252);
  });
});
