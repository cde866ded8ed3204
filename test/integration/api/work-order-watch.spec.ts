import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jest } from '@jest/globals';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';
import { connectTestClient, uniqueTaskQueue } from '../../utils/temporal-env.js';
import type { TemporalClientHandle } from '../../../temporal/client/connection.js';
import { testToken } from '../../utils/work-order-harness.js';

const workOrdersPath = '/api/agent-work-orders';

let forge: TestForge;
let home: string;
let api: ApiTestApp;
let outside: TemporalClientHandle;
let repositoryUrl: string;

beforeAll(async () => {
  forge = await startTestForge({ token: testToken });
  repositoryUrl = (await forge.createRepository({ owner: 'acme', name: 'watched' })).htmlUrl;
  home = await mkdtemp(path.join(os.tmpdir(), 'awo-watch-api-'));
  // No worker polls this queue: the work order stays pending, so only what the test does changes its history.
  api = await createApiTestApp({
    AWO_TASK_QUEUE: uniqueTaskQueue('watch-api'),
    AWO_HOME: home,
    GITHUB_API_URL: forge.apiUrl,
    GITHUB_SERVER_URL: forge.url,
    GITHUB_TOKEN: testToken,
    LOG_LEVEL: 'silent',
  });
  outside = await connectTestClient();
});

afterAll(async () => {
  await api?.close();
  await outside?.connection.close();
  await forge?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('a work order polled by id', () => {
  it('is described once per change of its history, and a change made past this API shows on the next reads', async () => {
    const describes = jest.spyOn(api.temporalClient.workflowService, 'describeWorkflowExecution');
    const created = await api.http().post(workOrdersPath).send({ repository_url: repositoryUrl, user_request: 'Fix it' }).expect(201);
    const id = created.body.agent_work_order_id as string;
    const get = async () => (await api.http().get(`${workOrdersPath}/${id}`).expect(200)).body;
    // Only this work order's describes: a pending one's GET also looks for the admission controller.
    const describesOfIt = () => describes.mock.calls.filter(([request]) => (request as { execution?: { workflowId?: string } }).execution?.workflowId === id).length;

    expect((await get()).status).toBe('pending');
    // The watch reads the history up to the described length; from then on nothing new means no describe.
    await waitFor(async () => {
      const before = describesOfIt();
      await get();
      return describesOfIt() === before;
    });
    const settled = describesOfIt();
    for (let index = 0; index < 20; index += 1) expect((await get()).status).toBe('pending');
    expect(describesOfIt()).toBe(settled);

    // A signal sent with another client grows the history: the next reads describe again.
    await outside.client.workflow.getHandle(id).signal('test-nudge');
    await waitFor(async () => {
      await get();
      return describesOfIt() > settled;
    });

    await outside.client.workflow.getHandle(id).terminate('test ends it');
    await waitFor(async () => (await get()).status === 'failed');
    expect((await get()).error_message).toMatch(/terminated/i);
  });
});

async function waitFor(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met within 15 s');
    await sleep(50);
  }
}
