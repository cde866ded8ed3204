import { existsSync } from 'node:fs';
import { FileLogStore } from '../../../src/logs/file-log-store.js';
import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import { bashTurn, textTurn } from '../../fixtures/model-server.js';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';
import { commitRule, createBranchRule, executeRule, planningRule } from '../../utils/scripted-steps.js';
import { waitFor, WorkOrderHarness } from '../../utils/work-order-harness.js';

const prefix = '/api/agent-work-orders';

/**
 * Plan approval through the API, on the real workflow: the real Claude Code CLI against the scripted model, real git
 * and the test forge. One worker and one in-process API serve every case.
 */
describe('plan approval', () => {
  const harness = new WorkOrderHarness();
  let api: ApiTestApp;

  beforeAll(async () => {
    await harness.start();
    api = await createApiTestApp({ ...harness.env, LOG_LEVEL: 'silent' });
  });

  afterAll(async () => {
    await api?.close();
    await harness.stop();
  });

  const get = async (id: string) => (await api.http().get(`${prefix}/${id}`).expect(200)).body as AgentWorkOrder;
  const decide = (id: string, body: unknown) => api.http().post(`${prefix}/${id}/approval`).send(body as object);
  const waitForStatus = (id: string, status: AgentWorkOrder['status'], timeoutMs = 120_000) =>
    waitFor(async () => {
      const state = await get(id);
      return state.status === status ? state : null;
    }, `work order ${id} to be ${status}`, timeoutMs);

  async function create(body: Record<string, unknown>): Promise<string> {
    const answer = await api.http().post(prefix).send({ user_request: 'Add a demo file', ...body });
    expect(answer.status).toBe(201);
    return answer.body.agent_work_order_id as string;
  }

  /** Whether the model received `text` after request number `since` (the model server serves every case of the file). */
  const sawTextSince = (since: number, text: string) => harness.model.requests.slice(since).some((request) => JSON.stringify(request.messages ?? []).includes(text));

  async function updateEventCount(id: string): Promise<number> {
    const history = await harness.client.workflow.getHandle(id).fetchHistory();
    return (history.events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes).length;
  }

  it('waits after planning with the plan; an edit replaces the plan the later steps receive, and a prompt sent while waiting runs first', async () => {
    harness.model.setRules([
      createBranchRule('feat/approved'),
      planningRule(),
      { match: /okapi-while-waiting/, turns: [bashTurn('echo okapi > OKAPI.md'), textTurn('Added OKAPI.md')] },
      executeRule('EDITED.md', 'zebra-77\n'),
      commitRule('feat: the edited plan'),
    ]);
    const repository = await harness.createRepository('approve-edit');
    const id = await create({ repository_url: repository.htmlUrl, approval: 'plan' });

    const waiting = await waitForStatus(id, 'waiting_for_approval');
    expect(waiting).toMatchObject({ approval: 'plan', current_phase: 'planning', approval_outcome: null, git_branch_name: 'feat/approved' });
    // The plan file the agent wrote in the sandbox, read on the host that holds it.
    expect(waiting.plan_text).toBe('# Plan\n\n1. Add the demo file.\n');
    const expiresInSeconds = (Date.parse(waiting.approval_expires_at!) - Date.now()) / 1000;
    expect(expiresInSeconds).toBeGreaterThan(7 * 24 * 3600 - 120);
    expect(expiresInSeconds).toBeLessThanOrEqual(7 * 24 * 3600);
    const listed = await waitFor(async () => {
      const rows = (await api.http().get(`${prefix}/?status=waiting_for_approval`).expect(200)).body as AgentWorkOrder[];
      return rows.find((row) => row.agent_work_order_id === id);
    }, 'the waiting work order in the filtered list');
    expect(listed).toMatchObject({ status: 'waiting_for_approval', plan_text: waiting.plan_text });
    const description = await harness.client.workflow.getHandle(id).describe();
    expect(description.searchAttributes.AwoStatus).toEqual(['waiting_for_approval']);

    // Bad bodies are refused at the edge, naming the field; nothing reaches the workflow.
    const badBodies: Array<[unknown, string, string | undefined]> = [
      [{ decision: 'edit' }, 'plan', 'required'],
      [{ decision: 'edit', plan: '   ' }, 'plan', undefined],
      [{ decision: 'maybe' }, 'decision', undefined],
      [{ decision: 'approve', plan: 'sneaked in' }, 'plan', 'only_with_edit'],
      [{ decision: 'approve', approved_by: 'me' }, 'approved_by', 'unknown_field'],
      [{}, 'decision', undefined],
    ];
    for (const [body, field, rule] of badBodies) {
      const answer = await decide(id, body);
      expect(answer.status).toBe(422);
      expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, ...(rule ? { rule } : {}) })]));
    }
    expect((await decide(id, ['approve'])).status).toBe(422);
    expect((await decide('wo-00000000', { decision: 'approve' })).status).toBe(404);
    expect(await get(id)).toMatchObject({ status: 'waiting_for_approval', plan_text: waiting.plan_text, approval_outcome: null });
    expect(await updateEventCount(id)).toBe(0);

    const prompted = await api.http().post(`${prefix}/${id}/prompt`).send({ prompt_text: 'Please also add okapi-while-waiting' });
    expect(prompted.status).toBe(202);
    expect(prompted.body.message).toMatch(/runs as a turn of the agent session once it is approved/);
    expect(harness.model.sawText('okapi-while-waiting')).toBe(false);

    const editedPlan = '# Edited plan\n\n1. Write EDITED.md with zebra-77.\n';
    const edited = await decide(id, { decision: 'edit', plan: editedPlan, comment: 'smaller scope' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ agent_work_order_id: id, status: 'running', plan_text: editedPlan, approval_outcome: 'edited', approval_comment: 'smaller scope', approval_expires_at: null });
    // Decided once: a second decision meets the validator and is not written to the history.
    const again = await decide(id, { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/is not waiting for approval/);
    // The workflow's own validator refuses too, for a client that skips the API (or a decision racing another).
    await expect(harness.client.workflow.getHandle(id).executeUpdate('approval', { args: [{ decision: 'approve' }] })).rejects.toMatchObject({
      cause: { type: 'NotWaitingForApproval', message: expect.stringMatching(/is not waiting for approval \(status: running\)/) },
    });

    const done = await waitForStatus(id, 'completed');
    expect(done).toMatchObject({ approval_outcome: 'edited', plan_text: editedPlan });
    const executeRequest = harness.model.requests.find((request) => JSON.stringify(request.messages ?? []).includes('# Execute'));
    expect(JSON.stringify(executeRequest?.messages)).toContain('zebra-77');
    expect(JSON.stringify(executeRequest?.messages)).not.toContain('1. Add the demo file.');
    const steps = (await api.http().get(`${prefix}/${id}/steps`).expect(200)).body.steps as Array<{ step: string; prompt_text?: string }>;
    expect(steps.map((step) => step.step)).toEqual(['create-branch', 'planning', 'user-prompt', 'execute', 'commit', 'create-pr']);
    expect(steps[2]!.prompt_text).toBe('Please also add okapi-while-waiting');
    expect(await updateEventCount(id)).toBe(1);
    // The edited plan also replaced the plan file the agent wrote, so an agent opening it reads the approved plan.
    const events = await new FileLogStore(harness.config.workOrderDir).readAll(id);
    expect(events.find((entry) => entry.event === 'plan_file_edited')).toMatchObject({ plan_path: 'PRPs/features/plan.md', characters: editedPlan.length });
    const commits = await harness.forge.branchCommits('acme', 'approve-edit', 'feat/approved', 'main');
    expect(commits.map((commit) => commit.subject)).toEqual(['feat: the edited plan']);
  });

  it('ends a rejected work order as cancelled with the comment, removes the sandbox and pushes nothing', async () => {
    harness.model.setRules([createBranchRule('feat/rejected'), planningRule(), executeRule(), commitRule()]);
    const since = harness.model.requests.length;
    const repository = await harness.createRepository('rejected');
    const id = await create({ repository_url: repository.htmlUrl, approval: 'plan' });
    await waitForStatus(id, 'waiting_for_approval');

    const rejected = await decide(id, { decision: 'reject', comment: 'wrong approach, use the existing helper' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'cancelled', error_message: 'plan rejected: wrong approach, use the existing helper', approval_outcome: 'rejected' });

    await harness.client.workflow.getHandle(id).result();
    expect(await get(id)).toMatchObject({ status: 'cancelled', error_message: 'plan rejected: wrong approach, use the existing helper' });
    const cancelled = await waitFor(async () => {
      const rows = (await api.http().get(`${prefix}/?status=cancelled`).expect(200)).body as AgentWorkOrder[];
      return rows.find((row) => row.agent_work_order_id === id);
    }, 'the rejected work order among the cancelled');
    expect(cancelled.approval_outcome).toBe('rejected');
    expect(existsSync(harness.sandboxPath(id))).toBe(false);
    expect(await harness.forge.branches('acme', 'rejected')).toEqual(['main']);
    expect(harness.forge.pullRequests('acme', 'rejected')).toHaveLength(0);
    expect(sawTextSince(since, '# Execute')).toBe(false);
    expect((await decide(id, { decision: 'approve' })).status).toBe(409);
  });

  it('fails a plan nobody decided on within its timeout, with a clear message', async () => {
    harness.model.setRules([planningRule()]);
    const since = harness.model.requests.length;
    const repository = await harness.createRepository('timed-out');
    const id = await create({ repository_url: repository.htmlUrl, approval: 'plan', approval_timeout_seconds: 2, selected_commands: ['planning', 'execute'] });
    const failed = await waitForStatus(id, 'failed');
    expect(failed).toMatchObject({ approval_outcome: 'timed_out', approval_expires_at: null });
    expect(failed.error_message).toBe(
      'the plan was not approved within the approval timeout of 2 seconds; approve sooner, give a longer approval_timeout_seconds, or ask for on_timeout: approve',
    );
    expect(sawTextSince(since, '# Execute')).toBe(false);
  });

  it("approves on timeout when the repository's default asks for approval and the work order for on_timeout: approve", async () => {
    harness.model.setRules([planningRule(), executeRule('AUTO.md', 'approved on timeout\n')]);
    const since = harness.model.requests.length;
    const repository = await harness.createRepository('auto-approved');
    await api
      .http()
      .post(`${prefix}/repositories`)
      .set('authorization', `Bearer ${api.token}`)
      .send({ repository_url: repository.htmlUrl, default_approval: 'plan', default_commands: ['planning', 'execute'], verify: false })
      .expect(201);
    const id = await create({ repository_url: repository.htmlUrl, approval_timeout_seconds: 2, on_timeout: 'approve' });
    const done = await waitForStatus(id, 'completed');
    expect(done).toMatchObject({ approval: 'plan', approval_outcome: 'approved_on_timeout', selected_commands: ['planning', 'execute'] });
    expect(sawTextSince(since, '# Execute')).toBe(true);
    // Choosing steps without planning does not trip over the repository's default.
    const planless = await api.http().post(prefix).send({ repository_url: repository.htmlUrl, user_request: 'x', selected_commands: ['execute'] });
    expect(planless.status).toBe(201);
    expect((await waitForStatus(planless.body.agent_work_order_id as string, 'completed')).approval).toBe('none');
  });

  it('refuses at create time an approval the steps cannot honour, naming the field', async () => {
    const repository = await harness.createRepository('refused');
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ approval: 'plan', selected_commands: ['create-branch', 'execute'] }, 'approval', 'needs_planning_step'],
      [{ approval: 'always' }, 'approval', 'invalid_value'],
      [{ approval: 'plan', approval_timeout_seconds: 0 }, 'approval_timeout_seconds', 'too_small'],
      [{ approval: 'plan', on_timeout: 'ignore' }, 'on_timeout', 'invalid_value'],
    ];
    for (const [body, field, rule] of cases) {
      const answer = await api.http().post(prefix).send({ repository_url: repository.htmlUrl, user_request: 'x', ...body });
      expect(answer.status).toBe(422);
      expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    }
  });
});
