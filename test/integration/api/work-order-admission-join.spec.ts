import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';
import { FakeWorkOrderWorker } from '../../utils/fake-work-order-worker.js';
import { testToken, waitFor } from '../../utils/work-order-harness.js';
import { admissionJoinUpdateId } from '../../../temporal/client/admission-line.js';
import { admissionControllerId } from '../../../workflows/admission-messages.js';

const workOrdersPath = '/api/agent-work-orders';

/** POST joins the admission line while the work order's first task runs; the work order's own join reuses that answer. */
describe('the admission join of a work order started over HTTP', () => {
  const worker = new FakeWorkOrderWorker();
  let forge: TestForge;
  let api: ApiTestApp;
  let home: string;

  beforeAll(async () => {
    await worker.start();
    forge = await startTestForge({ token: testToken });
    home = await mkdtemp(path.join(os.tmpdir(), 'awo-join-api-'));
    api = await createApiTestApp({
      AWO_TASK_QUEUE: worker.taskQueue,
      AWO_HOME: home,
      GITHUB_API_URL: forge.apiUrl,
      GITHUB_SERVER_URL: forge.url,
      GITHUB_TOKEN: testToken,
      LOG_LEVEL: 'silent',
    });
  });

  afterAll(async () => {
    await api?.close();
    await worker.stop();
    await forge?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('is sent by the API after the start, taken once by the controller, and the work order runs', async () => {
    const repositoryUrl = (await forge.createRepository({ owner: 'acme', name: 'join' })).htmlUrl;
    const updates = jest.spyOn(api.temporalClient.workflowService, 'updateWorkflowExecution');
    const created = await api.http().post(workOrdersPath).send({ repository_url: repositoryUrl, user_request: 'Fix it', selected_commands: ['planning'] }).expect(201);
    const id = created.body.agent_work_order_id as string;
    await waitFor(async () => (await api.http().get(`${workOrdersPath}/${id}`).expect(200)).body.status === 'completed', 'the work order to complete');

    const joinId = admissionJoinUpdateId(id);
    // The API asked (twice when this first join of the queue found no controller yet and started it)...
    expect(updates.mock.calls.filter(([request]) => request.request?.meta?.updateId === joinId).length).toBeGreaterThan(0);
    // ...the work order's own activity asked too...
    expect(worker.callsOf('joinAdmission').filter((input) => (input as { agentWorkOrderId: string }).agentWorkOrderId === id)).toHaveLength(1);
    // ...and the controller took the join once.
    const history = await api.temporalClient.workflow.getHandle(admissionControllerId(worker.taskQueue)).fetchHistory();
    const accepted = (history.events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === joinId);
    expect(accepted).toHaveLength(1);
  });
});
