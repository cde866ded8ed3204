import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';
import { connectTestClient, uniqueTaskQueue } from '../../utils/temporal-env.js';
import { testToken } from '../../utils/work-order-harness.js';

const repositoriesPath = '/api/agent-work-orders/repositories';
const unknownId = '00000000-0000-4000-8000-000000000000';

let forge: TestForge;
let home: string;
let api: ApiTestApp;

beforeAll(async () => {
  forge = await startTestForge({ token: testToken });
  // A default branch that is not `main`, so the test sees it came from the forge.
  await forge.createRepository({ owner: 'acme', name: 'demo', defaultBranch: 'trunk' });
  home = await mkdtemp(path.join(os.tmpdir(), 'awo-repositories-api-'));
  api = await createApiTestApp({ AWO_TASK_QUEUE: uniqueTaskQueue('repositories'), AWO_HOME: home, GITHUB_API_URL: forge.apiUrl, GITHUB_SERVER_URL: forge.url, GITHUB_TOKEN: testToken, LOG_LEVEL: 'silent' });
});

afterAll(async () => {
  await api?.close();
  await forge?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('repositories routes', () => {
  let demoId: string;
  let unverifiedId: string;

  it('adds a repository verified through GitHub, with its real default branch', async () => {
    const response = await api
      .http()
      .post(repositoriesPath)
      .send({ repository_url: `${forge.url}/acme/demo.git`, display_name: 'Demo', default_commands: ['create-branch', 'planning'] })
      .expect(201);
    expect(response.body).toMatchObject({
      repository_url: `${forge.url}/acme/demo`,
      display_name: 'Demo',
      owner: 'acme',
      name: 'demo',
      default_branch: 'trunk',
      is_verified: true,
      default_sandbox_type: 'git_worktree',
      default_commands: ['create-branch', 'planning'],
    });
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.last_verified_at).toEqual(expect.any(String));
    demoId = response.body.id;
  });

  it('fills a new work order from the configured repository defaults unless the request chooses', async () => {
    const started: string[] = [];
    const create = async (body: Record<string, unknown>) => {
      const response = await api.http().post('/api/agent-work-orders').send({ repository_url: `${forge.url}/acme/demo`, user_request: 'Fix it', ...body }).expect(201);
      started.push(response.body.agent_work_order_id);
      return (await api.http().get(`/api/agent-work-orders/${response.body.agent_work_order_id}`).expect(200)).body;
    };
    try {
      expect(await create({})).toMatchObject({ selected_commands: ['create-branch', 'planning'], sandbox_type: 'git_worktree' });
      expect(await create({ selected_commands: ['planning'], sandbox_type: 'git_branch' })).toMatchObject({ selected_commands: ['planning'], sandbox_type: 'git_branch' });
    } finally {
      // No worker polls this queue: end the started workflows so they leave nothing running.
      const { client, connection } = await connectTestClient();
      await Promise.all(started.map((id) => client.workflow.getHandle(id).terminate('test cleanup').catch(() => undefined)));
      await connection.close();
    }
  });

  it('answers 409 for the same repository in another spelling', async () => {
    for (const spelling of [`${forge.url}/acme/demo`, `${forge.url}/ACME/Demo/`, `${forge.url}/acme/demo.git`]) {
      const response = await api.http().post(repositoriesPath).send({ repository_url: spelling, verify: false }).expect(409);
      expect(response.body.detail).toContain('already configured');
    }
  });

  it('refuses a repository GitHub cannot see when asked to verify, and adds it unverified when not', async () => {
    const refused = await api.http().post(repositoriesPath).send({ repository_url: `${forge.url}/acme/missing` }).expect(422);
    expect(refused.body.errors[0]).toMatchObject({ field: 'repository_url', rule: 'not_accessible' });
    expect(refused.body.errors[0].message).toMatch(/404/);

    const added = await api
      .http()
      .post(repositoriesPath)
      .send({ repository_url: `${forge.url}/acme/missing`, verify: false, default_sandbox_type: 'git_branch' })
      .expect(201);
    expect(added.body).toMatchObject({ is_verified: false, default_branch: null, last_verified_at: null, default_sandbox_type: 'git_branch', default_commands: ['create-branch', 'planning', 'execute', 'commit', 'create-pr'] });
    unverifiedId = added.body.id;
  });

  it('answers 422 naming the field for invalid bodies', async () => {
    const cases: Array<[unknown, string, string | undefined]> = [
      [{ repository_url: 'https://elsewhere.example/acme/demo' }, 'repository_url', 'host'],
      [{ repository_url: `${forge.url}/acme` }, 'repository_url', 'path'],
      [{}, 'repository_url', undefined],
      [{ repository_url: `${forge.url}/acme/x`, default_sandbox_type: 'e2b' }, 'default_sandbox_type', 'not_implemented'],
      [{ repository_url: `${forge.url}/acme/x`, default_commands: ['planning', 'planning'] }, 'default_commands', undefined],
      [{ repository_url: `${forge.url}/acme/x`, verify: 'yes' }, 'verify', undefined],
      [{ repository_url: `${forge.url}/acme/x`, colour: 'red' }, 'colour', 'unknown_field'],
    ];
    for (const [body, field, rule] of cases) {
      const response = await api.http().post(repositoriesPath).send(body as object).expect(422);
      expect(response.body.errors[0]).toMatchObject({ field, ...(rule ? { rule } : {}) });
    }
  });

  it('lists the configured repositories, oldest first', async () => {
    const response = await api.http().get(repositoriesPath).expect(200);
    expect(response.body.map((repository: { id: string }) => repository.id)).toEqual([demoId, unverifiedId]);
  });

  it('updates defaults; 404 for an unknown id, 422 for a malformed one or an empty change', async () => {
    const updated = await api
      .http()
      .patch(`${repositoriesPath}/${demoId}`)
      .send({ default_sandbox_type: 'git_branch', default_commands: ['create-branch', 'planning', 'execute'], display_name: null })
      .expect(200);
    expect(updated.body).toMatchObject({ id: demoId, default_sandbox_type: 'git_branch', default_commands: ['create-branch', 'planning', 'execute'], display_name: null, default_branch: 'trunk' });
    const listed = await api.http().get(repositoriesPath).expect(200);
    expect(listed.body[0]).toMatchObject({ default_sandbox_type: 'git_branch' });

    await api.http().patch(`${repositoriesPath}/${unknownId}`).send({ display_name: 'x' }).expect(404);
    const malformed = await api.http().patch(`${repositoriesPath}/not-an-id`).send({ display_name: 'x' }).expect(422);
    expect(malformed.body.errors[0].field).toBe('id');
    const empty = await api.http().patch(`${repositoriesPath}/${demoId}`).send({}).expect(422);
    expect(empty.body.errors[0].message).toMatch(/at least one/);
    const urlChange = await api.http().patch(`${repositoriesPath}/${demoId}`).send({ repository_url: `${forge.url}/acme/other` }).expect(422);
    expect(urlChange.body.errors[0]).toMatchObject({ field: 'repository_url', rule: 'unknown_field' });
  });

  it('re-verifies on request and records the answer', async () => {
    const missing = await api.http().post(`${repositoriesPath}/${unverifiedId}/verify`).expect(200);
    expect(missing.body).toMatchObject({ is_accessible: false, repository: { id: unverifiedId, is_verified: false } });
    expect(missing.body.repository.last_verified_at).toEqual(expect.any(String));

    // The repository appears on the forge: verifying again takes it, with its default branch.
    await forge.createRepository({ owner: 'acme', name: 'missing', defaultBranch: 'develop' });
    const found = await api.http().post(`${repositoriesPath}/${unverifiedId}/verify`).expect(200);
    expect(found.body).toMatchObject({ is_accessible: true, default_branch: 'develop', repository: { is_verified: true, default_branch: 'develop' } });

    await api.http().post(`${repositoriesPath}/${unknownId}/verify`).expect(404);
  });

  it('deletes; a second delete is a 404', async () => {
    await api.http().delete(`${repositoriesPath}/${unverifiedId}`).expect(204);
    await api.http().delete(`${repositoriesPath}/${unverifiedId}`).expect(404);
    const listed = await api.http().get(repositoriesPath).expect(200);
    expect(listed.body.map((repository: { id: string }) => repository.id)).toEqual([demoId]);
  });
});
