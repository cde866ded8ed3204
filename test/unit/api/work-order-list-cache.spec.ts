import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import { WorkOrderListCache } from '../../../api/work-orders/work-order-list-cache.js';

const row = (id: string, status: AgentWorkOrder['status'] = 'running', updatedAt = '2026-01-01T00:00:00.000Z') =>
  ({ agent_work_order_id: id, status, updated_at: updatedAt }) as AgentWorkOrder;

/** A load the test finishes by hand, counting how often the cache asked for one. */
function loads() {
  const pending: Array<(page: AgentWorkOrder[]) => void> = [];
  let calls = 0;
  return {
    load: () => {
      calls += 1;
      return new Promise<AgentWorkOrder[]>((resolve) => pending.push(resolve));
    },
    finish: (page: AgentWorkOrder[]) => pending.shift()!(page),
    calls: () => calls,
  };
}

describe('WorkOrderListCache', () => {
  let clock = 0;
  const cache = () => new WorkOrderListCache({ freshMs: 500, maxStaleMs: 2_000 }, () => clock);
  beforeEach(() => (clock = 0));

  it('answers a fresh page without reading again, and shares one read among concurrent callers', async () => {
    const list = cache();
    const source = loads();
    const first = list.read('all:100', source.load);
    const second = list.read('all:100', source.load);
    source.finish([row('wo-1')]);
    await expect(first).resolves.toEqual([row('wo-1')]);
    await expect(second).resolves.toEqual([row('wo-1')]);
    clock = 400;
    await expect(list.read('all:100', source.load)).resolves.toEqual([row('wo-1')]);
    expect(source.calls()).toBe(1);
  });

  it('keeps pages per key', async () => {
    const list = cache();
    const source = loads();
    const all = list.read('all:100', source.load);
    source.finish([row('wo-1')]);
    await all;
    const failed = list.read('failed:100', source.load);
    source.finish([]);
    await expect(failed).resolves.toEqual([]);
    expect(source.calls()).toBe(2);
  });

  it('answers a stale page at once while one refresh runs, then the refreshed page', async () => {
    const list = cache();
    const source = loads();
    const first = list.read('all:100', source.load);
    source.finish([row('wo-1')]);
    await first;
    clock = 1_000;
    await expect(list.read('all:100', source.load)).resolves.toEqual([row('wo-1')]);
    await expect(list.read('all:100', source.load)).resolves.toEqual([row('wo-1')]);
    expect(source.calls()).toBe(2);
    source.finish([row('wo-2'), row('wo-1')]);
    await Promise.resolve();
    await Promise.resolve();
    await expect(list.read('all:100', source.load)).resolves.toEqual([row('wo-2'), row('wo-1')]);
  });

  it('makes the caller wait for a read once the page is too old', async () => {
    const list = cache();
    const source = loads();
    const first = list.read('all:100', source.load);
    source.finish([row('wo-1')]);
    await first;
    clock = 2_500;
    const waited = list.read('all:100', source.load);
    source.finish([row('wo-2')]);
    await expect(waited).resolves.toEqual([row('wo-2')]);
  });

  it('reads again after an invalidation, and does not keep a read that started before it', async () => {
    const list = cache();
    const source = loads();
    const before = list.read('all:100', source.load);
    list.invalidate();
    const after = list.read('all:100', source.load);
    source.finish([row('wo-old')]);
    source.finish([row('wo-new')]);
    await expect(before).resolves.toEqual([row('wo-old')]);
    await expect(after).resolves.toEqual([row('wo-new')]);
    await expect(list.read('all:100', source.load)).resolves.toEqual([row('wo-new')]);
    expect(source.calls()).toBe(2);
  });

  it('drops its pages when a work order read by id is newer than its row', async () => {
    const list = cache();
    const source = loads();
    const first = list.read('all:100', source.load);
    source.finish([row('wo-1', 'running')]);
    await first;
    list.observe(row('wo-1', 'running'));
    list.observe(row('wo-9', 'completed'));
    await list.read('all:100', source.load);
    expect(source.calls()).toBe(1);
    list.observe(row('wo-1', 'completed', '2026-01-01T00:00:05.000Z'));
    const next = list.read('all:100', source.load);
    source.finish([row('wo-1', 'completed', '2026-01-01T00:00:05.000Z')]);
    await expect(next).resolves.toEqual([row('wo-1', 'completed', '2026-01-01T00:00:05.000Z')]);
    expect(source.calls()).toBe(2);
  });

  it('keeps no failed read: the next caller reads again and sees its own answer', async () => {
    const list = cache();
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new Error('temporal unavailable'));
    };
    await expect(list.read('all:100', failing)).rejects.toThrow('temporal unavailable');
    await expect(list.read('all:100', failing)).rejects.toThrow('temporal unavailable');
    expect(calls).toBe(2);
  });
});
