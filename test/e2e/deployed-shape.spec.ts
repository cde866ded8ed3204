import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AgentWorkOrder, GitProgress } from '../../src/models/work-order.js';
import type { StepHistory } from '../../workflows/messages.js';
import { createBranchRule, gate, planningRule, writeAndCommitRule } from '../utils/scripted-steps.js';
import { startTestPostgres, type TestPostgres } from '../utils/postgres-server.js';
import { waitFor, WorkOrderHarness } from '../utils/work-order-harness.js';
import { ApiClient, readSse, type SseResult } from './http-client.js';
import { type ServiceProcess, spawnService } from './service-process.js';

const prefix = '/api/agent-work-orders';

interface WorkOrderLogsBody {
  agent_work_order_id: string;
  log_entries: { agent_work_order_id: string; event: string; step: string | null }[];
  total: number;
}

/** Every file under `folder`, relative to it. */
function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)));
}

/**
 * What compose deploys: the API in its own process with its own, empty AWO_HOME; two worker processes on two hosts
 * (own homes, own host ids); PostgreSQL for the settings and the logs; Temporal. The API can only answer from
 * Temporal and PostgreSQL, so every route below proves it reads nothing from a worker's disk.
 */
describe('deployed shape: API and two worker hosts apart, sharing Temporal and PostgreSQL only', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false });
  let postgres: TestPostgres;
  let api: ApiClient;
  let apiService: ServiceProcess;
  const workerServices: ServiceProcess[] = [];
  const homes: { api: string; workers: string[] } = { api: '', workers: [] };
  const ended = new Map<'completed' | 'failed' | 'cancelled', string>();
  const releases: (() => void)[] = [];

  beforeAll(async () => {
    await harness.start();
    postgres = await startTestPostgres();
    const shared = { AWO_DATABASE_URL: await postgres.createDatabase(`deployed_${randomBytes(4).toString('hex')}`), AWO_SECRET_KEY: randomBytes(32).toString('hex') };
    for (const hostId of ['host-a', 'host-b']) {
      const home = await mkdtemp(path.join(os.tmpdir(), `awo-deployed-${hostId}-`));
      homes.workers.push(home);
      workerServices.push(await spawnService(harness, 'worker', { env: { ...shared, AWO_HOME: home, AWO_WORKER_HOST_ID: `${harness.workerHostId}-${hostId}` } }));
    }
    homes.api = await mkdtemp(path.join(os.tmpdir(), 'awo-deployed-api-'));
    apiService = await spawnService(harness, 'api', { env: { ...shared, AWO_HOME: homes.api, AWO_WORKER_HOST_ID: `${harness.workerHostId}-api` } });
    api = new ApiClient(apiService.url);
  }, 240_000);

  afterAll(async () => {
    for (const release of releases) release();
    const codes = await Promise.all([apiService, ...workerServices].map((service) => service?.stop()));
    await harness.stop();
    await postgres?.stop();
    for (const home of [homes.api, ...homes.workers]) if (home) await rm(home, { recursive: true, force: true });
    expect(codes).toEqual([0, 0, 0]);
  });

  const waitForEnd = (id: string, timeoutMs = 150_000) =>
    waitFor(
      async () => {
        const answer = await api.get<AgentWorkOrder>(`${prefix}/${id}`);
        return ['completed', 'failed', 'cancelled'].includes(answer.body.status) ? answer.body : null;
      },
      `work order ${id} to end`,
      timeoutMs,
    );

  const create = async (repository: string, selectedCommands: string[]) => {
    const created = await api.post<{ agent_work_order_id: string }>(prefix, { repository_url: repository, user_request: 'Show the deployed shape', selected_commands: selectedCommands });
    expect(created.status).toBe(201);
    return created.body.agent_work_order_id;
  };

  /** The log through the API (PostgreSQL behind it), and the stream's events, agree and end with the final status. */
  const expectLogAndStream = async (id: string, status: string, streamed: SseResult) => {
    const logs = await api.get<WorkOrderLogsBody>(`${prefix}/${id}/logs?limit=1000`);
    expect(logs.status).toBe(200);
    expect(logs.body.total).toBe(logs.body.log_entries.length);
    expect(logs.body.log_entries.every((entry) => entry.agent_work_order_id === id)).toBe(true);
    const events = logs.body.log_entries.map((entry) => entry.event);
    expect(events).toEqual(expect.arrayContaining(['sandbox_sandbox_ready', 'agent_step_started', `workflow_work_order_${status}`]));
    expect(events.at(-1)).toBe(`workflow_work_order_${status}`);

    expect(streamed.status).toBe(200);
    expect(streamed.closedByServer).toBe(true);
    expect(streamed.events.at(-1)).toEqual({ id: null, event: 'end', data: JSON.stringify({ agent_work_order_id: id, status }) });
    const messages = streamed.events.filter((event) => event.event === 'message');
    expect(messages.map((event) => (JSON.parse(event.data) as { event: string }).event)).toEqual(events);
    expect(messages.map((event) => Number(event.id))).toEqual(events.map((_, index) => index + 1));
  };

  const expectListed = async (id: string, status: string) => {
    const listed = await api.get<AgentWorkOrder[]>(`${prefix}/?status=${status}`);
    expect(listed.status).toBe(200);
    expect(listed.body.find((workOrder) => workOrder.agent_work_order_id === id)).toMatchObject({ status });
    const all = await api.get<AgentWorkOrder[]>(prefix);
    expect(all.body.find((workOrder) => workOrder.agent_work_order_id === id)).toMatchObject({ status });
  };

  it('completed: the work order, list, steps, git progress, log and live stream come from Temporal and PostgreSQL', async () => {
    harness.model.setRules([createBranchRule('feat/deployed'), writeAndCommitRule('deployed.txt', 'feat: deployed shape')]);
    const repository = await harness.createRepository('deployed-completed');
    const id = await create(repository.htmlUrl, ['create-branch', 'commit', 'create-pr']);
    // Opened while the work order runs: backlog, then live entries, then the end.
    const stream = readSse(`${apiService.url}${prefix}/${id}/logs/stream`, { timeoutMs: 170_000 });
    const finished = await waitForEnd(id);
    ended.set('completed', id);

    expect(finished).toMatchObject({ agent_work_order_id: id, status: 'completed', git_branch_name: 'feat/deployed', git_commit_count: 1, current_phase: 'pr_created', error_message: null });
    expect(finished.github_pull_request_url).toBe(harness.forge.pullRequests('acme', 'deployed-completed')[0]?.htmlUrl);
    const steps = await api.get<StepHistory>(`${prefix}/${id}/steps`);
    expect(steps.body.steps.map((step) => [step.step, step.success])).toEqual([
      ['create-branch', true],
      ['commit', true],
      ['create-pr', true],
    ]);
    const progress = await api.get<GitProgress>(`${prefix}/${id}/git-progress`);
    expect(progress.body).toMatchObject({ agent_work_order_id: id, current_phase: 'pr_created', git_commit_count: 1, git_branch_name: 'feat/deployed', latest_commit_message: 'feat: deployed shape' });
    await expectListed(id, 'completed');
    await expectLogAndStream(id, 'completed', await stream);
  });

  it('failed: the failure and its step come from Temporal, the log from PostgreSQL', async () => {
    harness.model.setRules([createBranchRule('feat/deployed-fail'), { match: /^# Planning/m, turns: [{ httpError: { status: 400, message: 'scripted planning failure' } }] }]);
    const repository = await harness.createRepository('deployed-failed');
    const id = await create(repository.htmlUrl, ['create-branch', 'planning', 'commit']);
    const finished = await waitForEnd(id);
    ended.set('failed', id);

    expect(finished).toMatchObject({ status: 'failed', git_branch_name: 'feat/deployed-fail' });
    expect(finished.error_message).toMatch(/planning.*scripted planning failure/);
    const steps = await api.get<StepHistory>(`${prefix}/${id}/steps`);
    expect(steps.status).toBe(200);
    expect(steps.body.steps.map((step) => [step.step, step.success])).toEqual([
      ['create-branch', true],
      ['planning', false],
    ]);
    const progress = await api.get<GitProgress>(`${prefix}/${id}/git-progress`);
    expect(progress.body).toMatchObject({ agent_work_order_id: id, git_branch_name: 'feat/deployed-fail', git_commit_count: 0 });
    await expectListed(id, 'failed');
    await expectLogAndStream(id, 'failed', await readSse(`${apiService.url}${prefix}/${id}/logs/stream`, { timeoutMs: 30_000 }));
  });

  it('cancelled: cancelling through the API ends the work order, and every route reports it', async () => {
    const hold = gate();
    releases.push(hold.open);
    harness.model.setRules([createBranchRule('feat/deployed-cancel'), planningRule('PRPs/plan.md', { holdUntil: hold.promise })]);
    const repository = await harness.createRepository('deployed-cancelled');
    const requestsBefore = harness.model.requests.length;
    const id = await create(repository.htmlUrl, ['create-branch', 'planning', 'commit']);
    // This work order's planning, not the failed one's before it: only requests made since it was created count.
    const planningReached = () => harness.model.requests.slice(requestsBefore).some((request) => JSON.stringify(request.messages ?? []).includes('# Planning'));
    await waitFor(async () => planningReached() || null, 'the planning step to reach the model', 150_000);
    expect((await api.post(`${prefix}/${id}/cancel`)).status).toBe(202);
    const finished = await waitForEnd(id, 60_000);
    ended.set('cancelled', id);

    expect(finished).toMatchObject({ status: 'cancelled', git_branch_name: 'feat/deployed-cancel' });
    const steps = await api.get<StepHistory>(`${prefix}/${id}/steps`);
    expect(steps.status).toBe(200);
    expect(steps.body.steps[0]).toMatchObject({ step: 'create-branch', success: true });
    expect(steps.body.steps.some((step) => step.step === 'planning' && step.success)).toBe(false);
    const progress = await api.get<GitProgress>(`${prefix}/${id}/git-progress`);
    expect(progress.body).toMatchObject({ agent_work_order_id: id, git_branch_name: 'feat/deployed-cancel' });
    await expectListed(id, 'cancelled');
    await expectLogAndStream(id, 'cancelled', await readSse(`${apiService.url}${prefix}/${id}/logs/stream`, { timeoutMs: 30_000 }));
  });

  it('kept work-order files on the worker hosts only, and the logs in PostgreSQL only', () => {
    expect([...ended.keys()].sort()).toEqual(['cancelled', 'completed', 'failed']);
    // The API's home holds its own configuration at most: no work order's files, nothing it could have read them from.
    expect(filesUnder(homes.api).filter((file) => file.startsWith('work-orders') || file.startsWith('repositories'))).toEqual([]);
    for (const id of ended.values()) {
      const owners = homes.workers.filter((home) => existsSync(path.join(home, 'work-orders', id, 'metadata.json')));
      expect([id, owners.length]).toEqual([id, 1]);
    }
    for (const home of homes.workers) expect(filesUnder(home).filter((file) => file.endsWith('logs.jsonl'))).toEqual([]);
  });
});
