import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';
import { connectTestClient, uniqueTaskQueue } from '../../utils/temporal-env.js';
import { testToken } from '../../utils/work-order-harness.js';

const workOrdersPath = '/api/agent-work-orders';
const settingsPath = '/api/agent-work-orders/settings';

let forge: TestForge;
let home: string;
let api: ApiTestApp;
let repositoryUrl: string;

beforeAll(async () => {
  forge = await startTestForge({ token: testToken });
  repositoryUrl = (await forge.createRepository({ owner: 'acme', name: 'budget' })).htmlUrl;
  home = await mkdtemp(path.join(os.tmpdir(), 'awo-budget-api-'));
  // No worker polls this queue: the work orders stay pending, which is all these tests read.
  api = await createApiTestApp({
    AWO_TASK_QUEUE: uniqueTaskQueue('budget-api'),
    AWO_HOME: home,
    GITHUB_API_URL: forge.apiUrl,
    GITHUB_SERVER_URL: forge.url,
    GITHUB_TOKEN: testToken,
    AWO_MAX_DURATION_SECONDS: '900',
    LOG_LEVEL: 'silent',
  });
});

afterAll(async () => {
  await api?.close();
  await forge?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('work-order budgets over HTTP', () => {
  it.each([
    ['max_cost_usd', 0, 'must be more than 0'],
    ['max_cost_usd', '1.50', 'must be a number'],
    ['max_turns', 2.5, 'must be a whole number'],
    ['max_turns', 0, 'must be 1-100000'],
    ['max_duration_seconds', 30 * 24 * 3600 + 1, 'must be 1-2592000'],
    ['max_duration_seconds', null, 'must be a number'],
  ])('answers 422 naming %s for %p, and starts nothing', async (field, value, message) => {
    const before = (await api.http().get(workOrdersPath).expect(200)).body.length;
    const answer = await api.http().post(workOrdersPath).send({ repository_url: repositoryUrl, user_request: 'Fix it', [field]: value }).expect(422);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field, message })]);
    expect((await api.http().get(workOrdersPath).expect(200)).body).toHaveLength(before);
  });

  it('fixes each limit at the start: the request\'s own, else the setting, else the environment; usage starts at zero', async () => {
    await api.http().put(settingsPath).send({ max_cost_usd: 2.5, max_turns: 50 }).expect(200);
    const created = await api.http().post(workOrdersPath).send({ repository_url: repositoryUrl, user_request: 'Fix it', max_turns: 10 }).expect(201);
    // A setting changed later does not reach a work order already started.
    await api.http().put(settingsPath).send({ max_cost_usd: 9 }).expect(200);

    const state = (await api.http().get(`${workOrdersPath}/${created.body.agent_work_order_id}`).expect(200)).body;
    expect(state).toMatchObject({
      max_cost_usd: 2.5,
      max_turns: 10,
      max_duration_seconds: 900,
      cost_usd: 0,
      input_tokens: 0,
      output_tokens: 0,
      turns: 0,
      agent_duration_seconds: 0,
    });
    const { client, connection } = await connectTestClient();
    try {
      await client.workflow.getHandle(created.body.agent_work_order_id).terminate('test done');
    } finally {
      await connection.close();
    }
  });
});
