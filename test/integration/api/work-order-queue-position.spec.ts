import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jest } from '@jest/globals';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';
import { agentSuccess, FakeWorkOrderWorker, heartbeatUntil } from '../../utils/fake-work-order-worker.js';
import { gate } from '../../utils/scripted-steps.js';
import { testToken } from '../../utils/work-order-harness.js';

const workOrdersPath = '/api/agent-work-orders';

/** One slot, two work orders: the second waits in line, and GET says where. */
describe('a pending work order over HTTP', () => {
  const worker = new FakeWorkOrderWorker({ maxConcurrent: 1 });
  let api: ApiTestApp;
  let home: string;

  beforeAll(async () => {
    await worker.start();
    home = await mkdtemp(path.join(os.tmpdir(), 'awo-queue-api-'));
    api = await createApiTestApp({ AWO_TASK_QUEUE: worker.taskQueue, AWO_HOME: home, GITHUB_TOKEN: testToken, LOG_LEVEL: 'silent' });
  });

  afterAll(async () => {
    await api?.close();
    await worker.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('shows its place in line, asks the admission controller once per change of the line, and runs once admitted', async () => {
    const hold = gate();
    worker.use({
      runAgent: async (input) => {
        await heartbeatUntil(hold.promise);
        return agentSuccess(input);
      },
    });
    const first = await worker.startWorkOrder({ selectedCommands: ['planning'] });
    const get = async (id: string) => (await api.http().get(`${workOrdersPath}/${id}`).expect(200)).body;
    await waitFor(async () => (await get(first.workflowId)).status === 'running');
    const second = await worker.startWorkOrder({ selectedCommands: ['planning'] });
    await waitFor(async () => (await get(second.workflowId)).queue_position === 1);
    expect(await get(second.workflowId)).toMatchObject({ status: 'pending', queue_position: 1 });

    const queries = jest.spyOn(api.temporalClient.workflowService, 'queryWorkflow');
    await waitFor(async () => {
      const before = queries.mock.calls.length;
      expect((await get(second.workflowId)).queue_position).toBe(1);
      return queries.mock.calls.length === before;
    });
    const settled = queries.mock.calls.length;
    for (let index = 0; index < 10; index += 1) expect((await get(second.workflowId)).queue_position).toBe(1);
    expect(queries.mock.calls.length).toBe(settled);

    hold.open();
    await waitFor(async () => (await get(second.workflowId)).status === 'completed');
    expect((await get(second.workflowId)).queue_position).toBeNull();
  });
});

async function waitFor(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met within 20 s');
    await sleep(50);
  }
}
