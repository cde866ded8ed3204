import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../e2e/service-process.js';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';
import { connectTestClient, uniqueTaskQueue } from '../../utils/temporal-env.js';
import { testToken } from '../../utils/work-order-harness.js';

const prefix = '/api/agent-work-orders';

/**
 * A service with no GitHub token, no model credentials and a GITHUB_SERVER_URL nothing listens on: /health says each
 * in plain words, and a work order is refused before anything is started.
 */
describe('what would stop real work', () => {
  const taskQueue = uniqueTaskQueue('readiness');
  let forge: TestForge;
  let home: string;
  let api: ApiTestApp;
  let closedPort: number;

  beforeAll(async () => {
    forge = await startTestForge({ token: testToken });
    home = await mkdtemp(path.join(os.tmpdir(), 'awo-readiness-'));
    closedPort = await freePort();
    api = await createApiTestApp({
      PATH: process.env.PATH,
      HOME: home,
      AWO_HOME: home,
      AWO_TASK_QUEUE: taskQueue,
      GITHUB_API_URL: forge.apiUrl,
      GITHUB_SERVER_URL: `http://127.0.0.1:${closedPort}`,
      LOG_LEVEL: 'silent',
    });
  });

  afterAll(async () => {
    await api?.close();
    await forge?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('lists the missing token, the missing model access and the silent GitHub server as degraded reasons', async () => {
    const health = await api.http().get('/health');
    expect(health.body.status).toBe('degraded');
    const reasons = health.body.reasons as string[];
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no GitHub token: .*GITHUB_TOKEN/),
        expect.stringMatching(new RegExp(`^no way for the agent to reach a model: .*no login found in ${path.join(home, '.claude')}`)),
        expect.stringMatching(new RegExp(`^GITHUB_SERVER_URL http://127\\.0\\.0\\.1:${closedPort} does not answer`)),
      ]),
    );
  });

  it('refuses a work order with a 422 naming the missing token, and starts no workflow', async () => {
    const answer = await api.http().post(prefix).send({ repository_url: `http://127.0.0.1:${closedPort}/acme/app`, user_request: 'Add a README' });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toMatch(/no GitHub token/);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'github_token', rule: 'required' })]);
    const { client, connection } = await connectTestClient();
    try {
      expect((await client.workflow.count(`TaskQueue = '${taskQueue}'`)).count).toBe(0);
    } finally {
      await connection.close();
    }
  });

  it('takes the work order once a token is saved in the settings', async () => {
    await api.http().put(`${prefix}/settings`).set('authorization', `Bearer ${api.token}`).send({ github_token: testToken }).expect(200);
    const health = await api.http().get('/health');
    expect((health.body.reasons as string[]).some((reason) => reason.startsWith('no GitHub token'))).toBe(false);
    const answer = await api.http().post(prefix).send({ repository_url: `http://127.0.0.1:${closedPort}/acme/app`, user_request: 'Add a README' });
    expect(answer.status).toBe(201);
    // No worker polls this queue; the workflow would otherwise wait until the test server stops.
    const { client, connection } = await connectTestClient();
    await client.workflow.getHandle(answer.body.agent_work_order_id as string).terminate('test over');
    await connection.close();
  });
});
