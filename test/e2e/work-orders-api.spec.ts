import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AgentWorkOrder, GitProgress } from '../../src/models/work-order.js';
import type { StepHistory } from '../../workflows/messages.js';
import { bashTurn, textTurn } from '../fixtures/model-server.js';
import { commitRule, createBranchRule, gate, happyPathRules, planningRule } from '../utils/scripted-steps.js';
import { testToken, waitFor, WorkOrderHarness } from '../utils/work-order-harness.js';
import { ApiClient, readSse } from './http-client.js';
import { type ServiceProcess, spawnService } from './service-process.js';

const prefix = '/api/agent-work-orders';

interface ErrorBody {
  status_code: number;
  detail: string;
  errors?: { field: string; message: string; rule?: string }[];
}

interface WorkOrderLogsBody {
  agent_work_order_id: string;
  log_entries: { timestamp: string; level: string; event: string; step: string | null }[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * The service started as the README starts it (the built start-all entry point, here against the test run's Temporal
 * server), driven over HTTP on a real port, with the real Claude Code CLI on the scripted model server and the forge.
 */
describe('agent work orders API, end to end', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false });
  let service: ServiceProcess;
  let api: ApiClient;

  beforeAll(async () => {
    await harness.start();
    service = await spawnService(harness, 'all');
    api = new ApiClient(service.url);
  });

  afterAll(async () => {
    const code = await service?.stop();
    await harness.stop();
    // Ctrl-C / SIGTERM must shut the API and the worker down cleanly, not crash or hang.
    expect(code).toBe(0);
  });

  const workOrdersOnQueue = async () => (await harness.client.workflow.count(`TaskQueue = '${harness.taskQueue}'`)).count;

  const waitForStatus = (id: string, statuses: string[], timeoutMs = 120_000) =>
    waitFor(
      async () => {
        const answer = await api.get<AgentWorkOrder>(`${prefix}/${id}`);
        return statuses.includes(answer.body.status) ? answer.body : null;
      },
      `work order ${id} to reach ${statuses.join('/')}`,
      timeoutMs,
    );

  it('reports itself healthy with Temporal, a polling worker, the Claude CLI and git', async () => {
    const health = await api.get<{ status: string; service: string; dependencies: Record<string, { healthy: boolean; detail: string }>; reasons: string[] }>('/health');
    expect(health.status).toBe(200);
    expect(health.body.reasons).toEqual([]);
    expect(health.body.status).toBe('healthy');
    expect(health.body.service).toBe('agent-work-orders');
    expect(Object.keys(health.body.dependencies).sort()).toEqual(['agent_isolation', 'claude_cli', 'git', 'home', 'temporal', 'worker']);
    expect(health.body.dependencies.claude_cli!.detail).toMatch(/\d+\.\d+/);
    expect(health.body.dependencies.worker!.detail).toContain(harness.taskQueue);
    expect(service.output()).toMatch(/API: http:\/\/127\.0\.0\.1:\d+\/api\/agent-work-orders/);
    expect(service.output()).toMatch(/Worker: task queues/);
  });

  it('answers 4xx naming the field to malformed and hostile requests, and starts nothing', async () => {
    const before = await workOrdersOnQueue();
    const forge = harness.forge.url;
    const host = new URL(forge).host;
    const valid = { repository_url: `${forge}/acme/hostile`, user_request: 'Add a README section' };
    const megabyte = 'x'.repeat(1024 * 1024);
    const cases: { name: string; send: () => ReturnType<ApiClient['post']>; expectField?: string; expectText?: RegExp }[] = [
      { name: 'empty object', send: () => api.post(prefix, {}), expectField: 'repository_url' },
      { name: 'no user_request', send: () => api.post(prefix, { repository_url: valid.repository_url }), expectField: 'user_request' },
      { name: 'no repository_url', send: () => api.post(prefix, { user_request: 'x' }), expectField: 'repository_url' },
      { name: 'repository_url a number', send: () => api.post(prefix, { ...valid, repository_url: 123 }), expectField: 'repository_url' },
      { name: 'user_request a number', send: () => api.post(prefix, { ...valid, user_request: 42 }), expectField: 'user_request' },
      { name: 'user_request an operator object', send: () => api.post(prefix, { ...valid, user_request: { $gt: '' } }), expectField: 'user_request' },
      { name: 'empty user_request', send: () => api.post(prefix, { ...valid, user_request: '' }), expectField: 'user_request' },
      { name: 'blank user_request', send: () => api.post(prefix, { ...valid, user_request: ' \n\t ' }), expectField: 'user_request' },
      { name: 'user_request over 20,000 characters', send: () => api.post(prefix, { ...valid, user_request: 'y'.repeat(20_001) }), expectField: 'user_request' },
      { name: '1 MB user_request', send: () => api.post(prefix, { ...valid, user_request: megabyte }) },
      { name: '1 MB repository_url', send: () => api.post(prefix, { ...valid, repository_url: `${forge}/acme/${megabyte}` }) },
      { name: 'file: URL', send: () => api.post(prefix, { ...valid, repository_url: 'file:///etc/passwd' }), expectField: 'repository_url', expectText: /scheme|not accepted/ },
      { name: 'ssh URL', send: () => api.post(prefix, { ...valid, repository_url: `ssh://git@${host}/acme/hostile` }), expectField: 'repository_url' },
      { name: 'scp-style git@ URL', send: () => api.post(prefix, { ...valid, repository_url: 'git@github.com:acme/hostile.git' }), expectField: 'repository_url' },
      { name: 'other host', send: () => api.post(prefix, { ...valid, repository_url: 'https://evil.example.com/acme/hostile' }), expectField: 'repository_url', expectText: /must be on/ },
      { name: 'credentials in URL', send: () => api.post(prefix, { ...valid, repository_url: `http://user:secret@${host}/acme/hostile` }), expectField: 'repository_url', expectText: /credentials/ },
      { name: 'token in URL', send: () => api.post(prefix, { ...valid, repository_url: `http://${testToken}@${host}/acme/hostile` }), expectField: 'repository_url', expectText: /credentials/ },
      { name: 'path traversal in URL', send: () => api.post(prefix, { ...valid, repository_url: `${forge}/acme/../../etc` }), expectField: 'repository_url' },
      { name: 'encoded traversal in URL', send: () => api.post(prefix, { ...valid, repository_url: `${forge}/acme/%2e%2e` }), expectField: 'repository_url' },
      { name: 'query string in URL', send: () => api.post(prefix, { ...valid, repository_url: `${forge}/acme/hostile?ref=main` }), expectField: 'repository_url' },
      { name: 'shell metacharacters in URL', send: () => api.post(prefix, { ...valid, repository_url: `${forge}/acme/hostile;rm -rf /` }), expectField: 'repository_url' },
      { name: 'command substitution in URL', send: () => api.post(prefix, { ...valid, repository_url: `${forge}/acme/$(whoami)` }), expectField: 'repository_url' },
      { name: 'unknown step', send: () => api.post(prefix, { ...valid, selected_commands: ['deploy'] }), expectField: 'selected_commands.0', expectText: /create-branch, planning, execute, commit, create-pr, prp-review/ },
      { name: 'shell metacharacters in a step', send: () => api.post(prefix, { ...valid, selected_commands: ['planning; rm -rf /'] }), expectField: 'selected_commands.0' },
      { name: 'steps as a string', send: () => api.post(prefix, { ...valid, selected_commands: 'planning' }), expectField: 'selected_commands' },
      { name: 'no steps', send: () => api.post(prefix, { ...valid, selected_commands: [] }), expectField: 'selected_commands' },
      { name: 'a step twice', send: () => api.post(prefix, { ...valid, selected_commands: ['planning', 'planning'] }), expectField: 'selected_commands' },
      { name: 'e2b sandbox', send: () => api.post(prefix, { ...valid, sandbox_type: 'e2b' }), expectField: 'sandbox_type', expectText: /not implemented/ },
      { name: 'dagger sandbox', send: () => api.post(prefix, { ...valid, sandbox_type: 'dagger' }), expectField: 'sandbox_type', expectText: /not implemented/ },
      { name: 'unknown sandbox', send: () => api.post(prefix, { ...valid, sandbox_type: 'docker' }), expectField: 'sandbox_type' },
      { name: 'negative issue number', send: () => api.post(prefix, { ...valid, github_issue_number: -1 }), expectField: 'github_issue_number' },
      { name: 'fractional issue number', send: () => api.post(prefix, { ...valid, github_issue_number: 1.5 }), expectField: 'github_issue_number' },
      { name: 'shell metacharacters in issue number', send: () => api.post(prefix, { ...valid, github_issue_number: '1; rm -rf /' }), expectField: 'github_issue_number' },
      { name: 'unknown workflow type', send: () => api.post(prefix, { ...valid, workflow_type: 'agent_workflow_everything' }), expectField: 'workflow_type' },
      { name: 'workflow type and steps together', send: () => api.post(prefix, { ...valid, workflow_type: 'agent_workflow_plan', selected_commands: ['planning'] }), expectField: 'workflow_type' },
      { name: 'misspelled field', send: () => api.post(prefix, { ...valid, selected_comands: ['planning'] }), expectField: 'selected_comands' },
      {
        name: '__proto__ pollution',
        send: () => api.postRaw(prefix, `{"repository_url":"${valid.repository_url}","user_request":"x","__proto__":{"admin":true}}`, 'application/json'),
        expectField: '__proto__',
      },
      { name: 'constructor field', send: () => api.post(prefix, { ...valid, constructor: { prototype: { admin: true } } }), expectField: 'constructor' },
      { name: 'array body', send: () => api.post(prefix, [valid]), expectField: 'body' },
      { name: 'null body', send: () => api.postRaw(prefix, 'null', 'application/json') },
      { name: 'JSON string body', send: () => api.postRaw(prefix, '"hello"', 'application/json') },
      { name: 'malformed JSON', send: () => api.postRaw(prefix, '{"repository_url": ', 'application/json') },
      { name: 'text/plain body', send: () => api.postRaw(prefix, JSON.stringify(valid), 'text/plain') },
      { name: 'form body', send: () => api.postRaw(prefix, 'repository_url=x&user_request=y', 'application/x-www-form-urlencoded') },
      { name: 'traversal id on prompt', send: () => api.post(`${prefix}/${encodeURIComponent('wo-../../etc')}/prompt`, { prompt_text: 'hi' }), expectField: 'agent_work_order_id' },
      { name: 'traversal id on cancel', send: () => api.post(`${prefix}/${encodeURIComponent('../x')}/cancel`), expectField: 'agent_work_order_id' },
      { name: 'empty prompt to unknown id', send: () => api.post(`${prefix}/wo-00000000/prompt`, { prompt_text: '' }), expectField: 'prompt_text' },
    ];
    expect(cases.length).toBeGreaterThanOrEqual(30);

    const failures: string[] = [];
    for (const testCase of cases) {
      const answer = await testCase.send();
      const body = answer.body as ErrorBody;
      const problems: string[] = [];
      if (answer.status < 400 || answer.status >= 500) problems.push(`status ${answer.status}`);
      if (typeof body !== 'object' || typeof body.detail !== 'string' || body.detail === '') problems.push('no detail');
      if (testCase.expectField && !body.errors?.some((issue) => issue.field === testCase.expectField)) problems.push(`no error for ${testCase.expectField}: ${answer.text.slice(0, 300)}`);
      if (testCase.expectText && !testCase.expectText.test(body.detail ?? '')) problems.push(`detail does not match ${testCase.expectText}: ${body.detail}`);
      if (answer.text.includes(testToken)) problems.push('echoes the token');
      if (/\n\s+at /.test(answer.text)) problems.push('leaks a stack trace');
      if (problems.length > 0) failures.push(`${testCase.name}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);

    const malformedIds = ['..%2Fx', 'wo-..%2F..%2Fetc', 'WO-12345678', 'wo-1234567', 'wo-123456789', 'wo-zzzzzzzz'];
    for (const id of malformedIds) {
      const answer = await api.get<ErrorBody>(`${prefix}/${id}`);
      expect([answer.status, answer.body.errors?.[0]?.field]).toEqual([422, 'agent_work_order_id']);
    }
    for (const route of ['', '/git-progress', '/steps', '/logs', '/logs/stream']) {
      const answer = await api.get<ErrorBody>(`${prefix}/wo-0000abcd${route}`);
      expect([route, answer.status, answer.body.detail]).toEqual([route, 404, 'work order wo-0000abcd not found']);
    }
    expect((await api.post(`${prefix}/wo-0000abcd/prompt`, { prompt_text: 'hi' })).status).toBe(404);
    expect((await api.post(`${prefix}/wo-0000abcd/cancel`)).status).toBe(404);

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await workOrdersOnQueue()).toBe(before);
  });

  let completedId: string;

  it('runs a work order to a pull request, streaming its log until it ends', async () => {
    harness.model.setRules(happyPathRules('feat/api-demo'));
    const repository = await harness.createRepository('api-demo');
    // Shell syntax in the request is text for the agent, never run by the service.
    const marker = path.join(harness.home, 'pwned');
    const userRequest = `Add a demo plan; $(touch ${marker}) \`touch ${marker}\` && touch ${marker}`;

    const created = await api.post<{ agent_work_order_id: string; status: string; message: string }>(prefix, { repository_url: repository.htmlUrl, user_request: userRequest });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', agent_work_order_id: expect.stringMatching(/^wo-[0-9a-f]{8}$/), message: expect.any(String) });
    const id = created.body.agent_work_order_id;
    completedId = id;

    const stream = readSse(`${service.url}${prefix}/${id}/logs/stream`, { timeoutMs: 150_000 });
    const finished = await waitForStatus(id, ['completed', 'failed', 'cancelled']);
    expect(finished).toMatchObject({
      agent_work_order_id: id,
      status: 'completed',
      repository_url: repository.htmlUrl,
      sandbox_type: 'git_worktree',
      git_branch_name: 'feat/api-demo',
      git_commit_count: 1,
      current_phase: 'pr_created',
      selected_commands: ['create-branch', 'planning', 'execute', 'commit', 'create-pr'],
      user_request: userRequest,
      error_message: null,
    });
    const pulls = harness.forge.pullRequests('acme', 'api-demo');
    expect(pulls).toHaveLength(1);
    expect(finished.github_pull_request_url).toBe(pulls[0]!.htmlUrl);
    expect(existsSync(marker)).toBe(false);

    const streamed = await stream;
    expect(streamed.status).toBe(200);
    expect(streamed.closedByServer).toBe(true);
    const end = streamed.events.at(-1)!;
    expect(end.event).toBe('end');
    expect(JSON.parse(end.data)).toEqual({ agent_work_order_id: id, status: 'completed' });
    const streamedEvents = streamed.events.filter((event) => event.event === 'message').map((event) => JSON.parse(event.data) as { event: string });
    expect(streamedEvents.length).toBeGreaterThan(5);
    expect(streamedEvents.map((entry) => entry.event)).toContain('workflow_work_order_completed');

    const steps = await api.get<StepHistory>(`${prefix}/${id}/steps`);
    expect(steps.status).toBe(200);
    expect(steps.body.agent_work_order_id).toBe(id);
    expect(steps.body.steps.map((step) => [step.step, step.success])).toEqual([
      ['create-branch', true],
      ['planning', true],
      ['execute', true],
      ['commit', true],
      ['create-pr', true],
    ]);
    for (const step of steps.body.steps) {
      expect(step).toEqual(
        expect.objectContaining({
          agent_name: expect.any(String),
          duration_seconds: expect.any(Number),
          timestamp: expect.any(String),
          error_message: null,
        }),
      );
      expect(Object.keys(step)).toEqual(expect.arrayContaining(['step', 'agent_name', 'success', 'output', 'error_message', 'duration_seconds', 'session_id', 'timestamp']));
    }
    // What the agents used, per step and summed for the work order: four agent steps of two scripted model calls each.
    const agentSteps = steps.body.steps.filter((step) => step.step !== 'create-pr');
    expect(agentSteps.map((step) => step.turns)).toEqual([2, 2, 2, 2]);
    for (const step of agentSteps) {
      expect(step.cost_usd).toBeGreaterThan(0);
      expect(step.input_tokens).toBeGreaterThanOrEqual(200);
      expect(step.output_tokens).toBeGreaterThanOrEqual(40);
    }
    expect(finished).toMatchObject({ turns: 8, max_cost_usd: null, max_turns: null, max_duration_seconds: null });
    expect(finished.cost_usd).toBeCloseTo(agentSteps.reduce((sum, step) => sum + step.cost_usd!, 0), 6);
    expect(finished.input_tokens).toBe(agentSteps.reduce((sum, step) => sum + step.input_tokens!, 0));
    expect(finished.output_tokens).toBe(agentSteps.reduce((sum, step) => sum + step.output_tokens!, 0));
    expect(finished.agent_duration_seconds).toBeGreaterThan(0);

    const progress = await api.get<GitProgress>(`${prefix}/${id}/git-progress`);
    expect(progress.status).toBe(200);
    expect(progress.body).toEqual({
      agent_work_order_id: id,
      current_phase: 'pr_created',
      git_commit_count: 1,
      git_files_changed: 2,
      latest_commit_message: 'feat: add the demo plan',
      git_branch_name: 'feat/api-demo',
    });
  });

  it('pages and filters the log', async () => {
    const all = await api.get<WorkOrderLogsBody>(`${prefix}/${completedId}/logs?limit=1000`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ agent_work_order_id: completedId, limit: 1000, offset: 0 });
    expect(all.body.total).toBe(all.body.log_entries.length);
    expect(all.body.total).toBeGreaterThan(10);
    // `npm start` began the prepare when it started the work order, and the first workflow task took it: one setup.
    const eventsOf = (name: string) => all.body.log_entries.filter((entry) => entry.event === name);
    expect(eventsOf('work_order_prepare_begun_by_api')).toHaveLength(1);
    expect(eventsOf('sandbox_sandbox_ready')).toHaveLength(1);

    const first = await api.get<WorkOrderLogsBody>(`${prefix}/${completedId}/logs?limit=4&offset=0`);
    const second = await api.get<WorkOrderLogsBody>(`${prefix}/${completedId}/logs?limit=4&offset=4`);
    expect(first.body.log_entries).toEqual(all.body.log_entries.slice(0, 4));
    expect(second.body.log_entries).toEqual(all.body.log_entries.slice(4, 8));
    expect(second.body).toMatchObject({ total: all.body.total, limit: 4, offset: 4 });

    const planning = await api.get<WorkOrderLogsBody>(`${prefix}/${completedId}/logs?step=planning&limit=1000`);
    expect(planning.body.total).toBeGreaterThan(0);
    expect(planning.body.total).toBeLessThan(all.body.total);
    expect(planning.body.log_entries.every((entry) => entry.step === 'planning')).toBe(true);
    expect(planning.body.total).toBe(all.body.log_entries.filter((entry) => entry.step === 'planning').length);

    const levels = new Set(all.body.log_entries.map((entry) => entry.level));
    for (const level of levels) {
      const byLevel = await api.get<WorkOrderLogsBody>(`${prefix}/${completedId}/logs?level=${level}&limit=1000`);
      expect(byLevel.body.log_entries.every((entry) => entry.level === level)).toBe(true);
      expect(byLevel.body.total).toBe(all.body.log_entries.filter((entry) => entry.level === level).length);
    }

    for (const query of ['limit=0', 'limit=1001', 'offset=-1', 'limit=abc', 'level=verbose', 'step=../../etc', 'color=red']) {
      const answer = await api.get<ErrorBody>(`${prefix}/${completedId}/logs?${query}`);
      expect([query, answer.status]).toEqual([query, 422]);
    }

    // A stream opened after the end sends the backlog and closes; Last-Event-ID resumes after the given entry.
    const replay = await readSse(`${service.url}${prefix}/${completedId}/logs/stream?step=planning`, { timeoutMs: 30_000 });
    expect(replay.closedByServer).toBe(true);
    expect(replay.events.filter((event) => event.event === 'message')).toHaveLength(planning.body.total);
    const resumed = await readSse(`${service.url}${prefix}/${completedId}/logs/stream`, { timeoutMs: 30_000, headers: { 'last-event-id': '5' } });
    expect(resumed.events.filter((event) => event.event === 'message')).toHaveLength(all.body.total - 5);
  });

  let runningId: string;
  let releaseRunning: () => void;

  it('lists work orders newest first, with and without a status filter', async () => {
    const hold = gate();
    releaseRunning = hold.open;
    harness.model.setRules([
      createBranchRule('feat/prompted', { holdUntil: hold.promise }),
      { match: /zebra-42/, turns: [bashTurn('echo "- zebra-42" > CHANGELOG.md'), textTurn('Added the changelog entry')] },
      commitRule('docs: add changelog entry'),
    ]);
    const repository = await harness.createRepository('api-prompted');
    harness.forge.addIssue('acme', 'api-prompted', { number: 7, title: 'Keep a changelog', body: 'Every change gets an entry.' });
    const created = await api.post<{ agent_work_order_id: string }>(prefix, {
      repository_url: repository.htmlUrl,
      user_request: 'Prepare a changelog',
      selected_commands: ['create-branch', 'commit', 'create-pr'],
      sandbox_type: 'git_branch',
      github_issue_number: '7',
    });
    expect(created.status).toBe(201);
    runningId = created.body.agent_work_order_id;
    await waitFor(() => harness.model.sawText('# Create Branch') && harness.model.activeRequests > 0, 'the create-branch step to reach the model');

    const ids = (list: AgentWorkOrder[]) => list.map((workOrder) => workOrder.agent_work_order_id);
    const everything = await waitFor(async () => {
      const answer = await api.get<AgentWorkOrder[]>(prefix);
      return ids(answer.body).includes(runningId) ? answer.body : null;
    }, 'the new work order in the list');
    expect(ids(everything)).toEqual([runningId, completedId]);
    expect(everything[0]).toMatchObject({ status: 'running', sandbox_type: 'git_branch', github_issue_number: 7, current_step: 'create-branch' });
    expect(everything[1]).toMatchObject({ status: 'completed', git_branch_name: 'feat/api-demo' });

    const running = await waitFor(async () => {
      const answer = await api.get<AgentWorkOrder[]>(`${prefix}/?status=running`);
      return ids(answer.body).includes(runningId) ? answer.body : null;
    }, 'the running work order under status=running');
    expect(ids(running)).toEqual([runningId]);
    const completed = await api.get<AgentWorkOrder[]>(`${prefix}/?status=completed`);
    expect(ids(completed.body)).toEqual([completedId]);
    expect((await api.get<AgentWorkOrder[]>(`${prefix}/?status=failed`)).body).toEqual([]);
    expect((await api.get<AgentWorkOrder[]>(`${prefix}/?limit=1`)).body.map((workOrder) => workOrder.agent_work_order_id)).toEqual([runningId]);
    const badStatus = await api.get<ErrorBody>(`${prefix}/?status=done`);
    expect(badStatus.status).toBe(422);
    expect(badStatus.body.errors?.[0]).toMatchObject({ field: 'status', message: expect.stringContaining('pending, running, waiting_for_approval, completed, failed, cancelled') });
  });

  it('delivers a prompt sent mid-run to the agent, and refuses prompts once the work order has ended', async () => {
    const empty = await api.post<ErrorBody>(`${prefix}/${runningId}/prompt`, { prompt_text: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.body.errors?.[0]?.field).toBe('prompt_text');
    const otherId = await api.post<ErrorBody>(`${prefix}/${runningId}/prompt`, { agent_work_order_id: 'wo-0000abcd', prompt_text: 'hi' });
    expect(otherId.status).toBe(422);
    expect(otherId.body.errors?.[0]).toMatchObject({ field: 'agent_work_order_id', message: expect.stringContaining(runningId) });

    // Archon's UI sends its own body shape: the id again beside the prompt.
    const acknowledged = await api.post<{ agent_work_order_id: string; prompt_id: string; queued_position: number; message: string }>(`${prefix}/${runningId}/prompt`, {
      agent_work_order_id: runningId,
      prompt_text: 'Please also add a CHANGELOG entry zebra-42',
    });
    expect(acknowledged.status).toBe(202);
    expect(acknowledged.body).toMatchObject({ agent_work_order_id: runningId, prompt_id: expect.stringMatching(/^prompt-/), queued_position: 1, message: expect.any(String) });
    const queued = await waitFor(async () => {
      const answer = await api.get<AgentWorkOrder>(`${prefix}/${runningId}`);
      return answer.body.pending_prompts === 1 ? answer.body : null;
    }, 'the prompt to be queued');
    expect(queued.status).toBe('running');

    releaseRunning();
    const finished = await waitForStatus(runningId, ['completed', 'failed', 'cancelled']);
    expect(finished.status).toBe('completed');
    expect(harness.model.sawText('zebra-42')).toBe(true);
    const steps = await api.get<StepHistory>(`${prefix}/${runningId}/steps`);
    expect(steps.body.steps.map((step) => step.step)).toEqual(['create-branch', 'user-prompt', 'commit', 'create-pr']);
    expect(steps.body.steps[1]).toMatchObject({ success: true, prompt_text: 'Please also add a CHANGELOG entry zebra-42' });
    const commits = await harness.forge.branchCommits('acme', 'api-prompted', 'feat/prompted', 'main');
    expect(commits.map((commit) => commit.subject)).toEqual(['docs: add changelog entry']);

    const late = await api.post<ErrorBody>(`${prefix}/${runningId}/prompt`, { prompt_text: 'one more thing' });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('has ended (completed)');
  });

  it('cancels a running work order, and refuses a second cancel', async () => {
    const hold = gate();
    harness.model.setRules([createBranchRule('feat/cancel-me'), planningRule('PRPs/plan.md', { holdUntil: hold.promise })]);
    const repository = await harness.createRepository('api-cancelled');
    const created = await api.post<{ agent_work_order_id: string }>(prefix, { repository_url: repository.htmlUrl, user_request: 'Plan something long', workflow_type: 'agent_workflow_plan' });
    expect(created.status).toBe(201);
    const id = created.body.agent_work_order_id;
    // Earlier tests also planned: the held request in flight is this work order's.
    await waitFor(() => harness.model.activeRequests > 0, 'the planning step to reach the model');
    expect((await api.get<AgentWorkOrder>(`${prefix}/${id}`)).body).toMatchObject({ status: 'running', selected_commands: ['create-branch', 'planning', 'commit', 'create-pr'], current_step: 'planning' });

    const cancelled = await api.post<{ agent_work_order_id: string; status: string }>(`${prefix}/${id}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ agent_work_order_id: id, status: 'cancelling' });
    const finished = await waitForStatus(id, ['completed', 'failed', 'cancelled'], 60_000);
    expect(finished).toMatchObject({ status: 'cancelled', error_message: 'cancelled by request' });
    hold.open();

    const again = await api.post<ErrorBody>(`${prefix}/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('has ended (cancelled)');
    expect((await api.post(`${prefix}/${id}/prompt`, { prompt_text: 'too late' })).status).toBe(409);
    const listed = await waitFor(async () => {
      const answer = await api.get<AgentWorkOrder[]>(`${prefix}/?status=cancelled`);
      return answer.body.length > 0 ? answer.body : null;
    }, 'the cancelled work order under status=cancelled');
    expect(listed.map((workOrder) => workOrder.agent_work_order_id)).toEqual([id]);
    expect(harness.forge.pullRequests('acme', 'api-cancelled')).toHaveLength(0);
  });

  it('verifies repositories through the GitHub API', async () => {
    const repository = await harness.createRepository('api-verified', 'trunk');
    const existing = await api.post(`${prefix}/github/verify-repository`, { repository_url: repository.htmlUrl });
    expect(existing.status).toBe(200);
    expect(existing.body).toEqual({ is_accessible: true, repository_name: 'api-verified', repository_owner: 'acme', default_branch: 'trunk', error_message: null });

    const missing = await api.post<{ is_accessible: boolean; error_message: string }>(`${prefix}/github/verify-repository`, { repository_url: `${harness.forge.url}/acme/no-such-repository` });
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ is_accessible: false, repository_name: null, repository_owner: null, default_branch: null });
    expect(missing.body.error_message).toContain('404');
    expect(missing.text).not.toContain(testToken);

    const elsewhere = await api.post<ErrorBody>(`${prefix}/github/verify-repository`, { repository_url: 'https://gitlab.com/acme/x' });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.errors?.[0]).toMatchObject({ field: 'repository_url', rule: 'host' });
  });

  it('serves the OpenAPI document generated from the schemas at /docs', async () => {
    const document = await api.get<{ paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } }>('/docs-json');
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        prefix,
        `${prefix}/{agent_work_order_id}`,
        `${prefix}/{agent_work_order_id}/git-progress`,
        `${prefix}/{agent_work_order_id}/steps`,
        `${prefix}/{agent_work_order_id}/logs`,
        `${prefix}/{agent_work_order_id}/logs/stream`,
        `${prefix}/{agent_work_order_id}/prompt`,
        `${prefix}/{agent_work_order_id}/cancel`,
        `${prefix}/github/verify-repository`,
        '/health',
      ]),
    );
    expect(Object.keys(document.body.components.schemas.AgentWorkOrder!.properties!)).toEqual(expect.arrayContaining(['agent_work_order_id', 'status', 'github_pull_request_url', 'workflow_type']));
    expect(Object.keys(document.body.components.schemas.StepRecord!.properties!)).toContain('delivered_during');
    const ui = await fetch(`${service.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
