import { once } from 'node:events';
import { FileLogStore } from '../../../src/logs/file-log-store.js';
import { readAdmissionQueue } from '../../../temporal/client/admission-queue-reader.js';
import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import type { StepHistory } from '../../../workflows/messages.js';
import { textTurn, writeTurn } from '../../fixtures/model-server.js';
import { commitRule, createBranchRule, gate, planningRule } from '../../utils/scripted-steps.js';
import { stepOutcomes, waitFor, WorkOrderHarness } from '../../utils/work-order-harness.js';

/** Runs the built worker (dist/), as `npm run start:worker` does: `npm test` builds before jest starts. */
describe('durability: the worker process dies while the agent runs', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false, heartbeatTimeoutSeconds: 4 });

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('completes on a new worker, resuming the recorded agent session, with exactly one pull request', async () => {
    const neverReleased = gate();
    harness.model.setRules([
      createBranchRule('feat/durable'),
      planningRule('PRPs/plan.md', { holdUntil: neverReleased.promise }),
      {
        match: /previous run of this step was interrupted/,
        turns: [writeTurn('PRPs/plan.md', '# Plan\n\nResumed after the worker died.\n'), textTurn('Plan written to PRPs/plan.md')],
      },
      commitRule('feat: plan survives a worker crash'),
    ]);
    const repository = await harness.createRepository('durable');
    const firstWorker = harness.spawnWorkerProcess();
    const handle = await harness.startWorkOrder({
      repositoryUrl: repository.htmlUrl,
      selectedCommands: ['create-branch', 'planning', 'commit', 'create-pr'],
    });
    await waitFor(() => harness.model.sawText('# Planning'), 'the planning step to reach the model');
    // The agent's session id reaches Temporal in the first heartbeat of the step.
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    firstWorker.kill('SIGKILL');
    await once(firstWorker, 'exit');
    harness.spawnWorkerProcess();
    const result = (await handle.result()) as AgentWorkOrder;

    expect(result.status).toBe('completed');
    expect(harness.forge.pullRequests('acme', 'durable')).toHaveLength(1);
    // The admission slot taken before the crash was given back, not leaked with the dead worker.
    await waitFor(async () => (await readAdmissionQueue(harness.client, harness.taskQueue))?.admitted.length === 0, 'the admission slot to be released');
    const commits = await harness.forge.branchCommits('acme', 'durable', 'feat/durable', 'main');
    expect(commits.map((commit) => commit.subject)).toEqual(['feat: plan survives a worker crash']);

    const resumedRequest = harness.model.requests.find((request) => JSON.stringify(request.messages ?? []).includes('previous run of this step was interrupted'));
    // The retried step continued the dead worker's conversation rather than starting the planning step over.
    expect(JSON.stringify(resumedRequest?.messages)).toContain('# Planning');
    expect(await stepOutcomes(handle)).toEqual([
      ['create-branch', true],
      ['planning', true],
      ['commit', true],
      ['create-pr', true],
    ]);
    const events = await new FileLogStore(harness.config.workOrderDir).readAll(handle.workflowId);
    const planningStarts = events.filter((entry) => entry.event === 'agent_step_started' && entry.step === 'planning');
    expect(planningStarts).toHaveLength(2);
    expect(planningStarts[1]).toMatchObject({ resumed_after_crash: true });
    const history = await handle.query<StepHistory>('stepHistory');
    expect(planningStarts[1]!.resume_session_id).toBe(history.steps[1]!.session_id);
  });
});
