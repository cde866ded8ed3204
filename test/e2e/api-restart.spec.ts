import type { AgentWorkOrder } from '../../src/models/work-order.js';
import { commitRule, createBranchRule, gate, planningRule } from '../utils/scripted-steps.js';
import { waitFor, WorkOrderHarness } from '../utils/work-order-harness.js';
import { ApiClient } from './http-client.js';
import { type ServiceProcess, spawnService } from './service-process.js';

const prefix = '/api/agent-work-orders';

/**
 * The separate entry points (`npm run start:worker`, `npm run start:api`): the API keeps no state of its own, so a
 * restarted API process still reports a running work order, and its final result, from Temporal.
 */
describe('API restarted while a work order runs', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false });
  let worker: ServiceProcess;
  const apis: ServiceProcess[] = [];

  beforeAll(async () => {
    await harness.start();
    worker = await spawnService(harness, 'worker');
  });

  afterAll(async () => {
    for (const api of apis) await api.stop();
    await worker?.stop();
    await harness.stop();
  });

  it('reports the running work order and then its final result from a new API process', async () => {
    const hold = gate();
    harness.model.setRules([createBranchRule('feat/survivor'), planningRule('PRPs/plan.md', { holdUntil: hold.promise }), commitRule('docs: plan the feature')]);
    const repository = await harness.createRepository('restarted');

    const first = await spawnService(harness, 'api');
    apis.push(first);
    const created = await new ApiClient(first.url).post<{ agent_work_order_id: string }>(prefix, {
      repository_url: repository.htmlUrl,
      user_request: 'Plan a feature',
      workflow_type: 'agent_workflow_plan',
    });
    expect(created.status).toBe(201);
    const id = created.body.agent_work_order_id;
    await waitFor(() => harness.model.sawText('# Planning'), 'the planning step to reach the model');

    expect(await first.stop()).toBe(0);
    const second = await spawnService(harness, 'api');
    apis.push(second);
    const api = new ApiClient(second.url);

    const running = await api.get<AgentWorkOrder>(`${prefix}/${id}`);
    expect(running.status).toBe(200);
    expect(running.body).toMatchObject({ agent_work_order_id: id, status: 'running', current_step: 'planning', git_branch_name: 'feat/survivor' });
    const listed = await api.get<AgentWorkOrder[]>(`${prefix}/?status=running`);
    expect(listed.body.map((workOrder) => workOrder.agent_work_order_id)).toEqual([id]);

    hold.open();
    const finished = await waitFor(async () => {
      const answer = await api.get<AgentWorkOrder>(`${prefix}/${id}`);
      return answer.body.status === 'running' ? null : answer.body;
    }, 'the work order to finish', 120_000);
    // The plan preset commits the plan and proposes it as a pull request, like the spec's plan workflow.
    expect(finished).toMatchObject({ status: 'completed', current_phase: 'pr_created', git_branch_name: 'feat/survivor', selected_commands: ['create-branch', 'planning', 'commit', 'create-pr'] });
    const steps = await api.get<{ steps: { step: string; success: boolean }[] }>(`${prefix}/${id}/steps`);
    expect(steps.body.steps.map((step) => [step.step, step.success])).toEqual([
      ['create-branch', true],
      ['planning', true],
      ['commit', true],
      ['create-pr', true],
    ]);
    const commits = await harness.forge.branchCommits('acme', 'restarted', 'feat/survivor', 'main');
    expect(commits.map((commit) => commit.subject)).toEqual(['docs: plan the feature']);
    expect(harness.forge.pullRequests('acme', 'restarted')).toHaveLength(1);
  });

  it('stops the standalone worker on SIGTERM with exit 0, without creating its workers again', async () => {
    expect(await worker.stop()).toBe(0);
    expect(worker.output()).toContain('worker_shutdown_requested');
    expect(worker.output()).not.toContain('worker_workers_restarted');
  });
});
