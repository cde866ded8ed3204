import type { WorkflowHandle } from '@temporalio/client';
import type { RunAgentInput, TrackPhaseInput } from '../../../activities/activity-types.js';
import type { EndedWorkOrder } from '../../../workflows/messages.js';
import { agentSuccess, FakeWorkOrderWorker } from '../../utils/fake-work-order-worker.js';
import { gate } from '../../utils/scripted-steps.js';
import { waitFor } from '../../utils/work-order-harness.js';
import { historyEvents, scheduledActivities } from '../../utils/workflow-history.js';

/** The round trips a work order started with lean orchestration saves, and the fallbacks it keeps. */
describe('lean orchestration', () => {
  const worker = new FakeWorkOrderWorker();

  beforeAll(() => worker.start());
  afterAll(() => worker.stop());
  beforeEach(() => worker.use({}));

  const runsOf = (handle: WorkflowHandle) => worker.callsOf('runAgent').filter((input) => (input as RunAgentInput).agentWorkOrderId === handle.workflowId) as RunAgentInput[];
  const grantSignals = async (handle: WorkflowHandle) =>
    (await historyEvents(handle)).filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'admissionGranted').length;
  const trackedSteps = (handle: WorkflowHandle) =>
    worker
      .callsOf('trackPhase')
      .filter((input) => (input as TrackPhaseInput).agentWorkOrderId === handle.workflowId)
      .map((input) => (input as TrackPhaseInput).step);

  it('takes the git observation from each step result, its slot from the update answer and the pull request from the step before it: one activity per agent step', async () => {
    const handle = await worker.startWorkOrder();
    const result = (await handle.result()) as EndedWorkOrder;

    expect(result).toMatchObject({ status: 'completed', current_phase: 'pr_created', git_branch_name: 'feat/fake', github_pull_request_url: 'https://forge.example/acme/fake/pull/1' });
    expect(result.git_commit_count).toBeGreaterThan(0);
    expect(await scheduledActivities(handle)).toEqual(['runAgent', 'runAgent', 'runAgent', 'runAgent', 'cleanup']);
    expect(result.steps.at(-1)).toMatchObject({ step: 'create-pr', agent_name: 'github', success: true, output: 'https://forge.example/acme/fake/pull/1', duration_seconds: 0.01 });
    expect(await grantSignals(handle)).toBe(0);
  });

  it('still runs createPR when the step before opened no pull request (its attempt failed)', async () => {
    // The fake's steps open none while createPR is replaced, like a real step whose attempt failed.
    worker.use({ createPR: async (input) => ({ pullRequestUrl: 'https://forge.example/acme/fake/pull/7', pullRequestNumber: 7, branchName: input.branchName ?? 'feat/fake', created: true }) });
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr'] });
    const result = (await handle.result()) as EndedWorkOrder;

    expect(result).toMatchObject({ status: 'completed', github_pull_request_url: 'https://forge.example/acme/fake/pull/7' });
    // (This createPR returns no git observation, so the separate observation activities follow it.)
    expect((await scheduledActivities(handle)).slice(0, 3)).toEqual(['runAgent', 'runAgent', 'createPR']);
  });

  it('runs createPR after a prompt that queued behind the step before it: the prompt\'s commits need a push', async () => {
    const release = gate();
    const started = gate();
    worker.use({
      runAgent: async (input) => {
        if (input.step === 'commit') {
          started.open();
          await release.promise;
        }
        return worker.agentResult(input);
      },
    });
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr'] });
    await started.promise;
    await handle.signal('prompt', { prompt_text: 'Also add a changelog entry', prompt_id: 'prompt-after-commit' });
    await waitFor(() => worker.callsOf('deliverPrompt').length > 0, 'the prompt to be posted to the running step');
    release.open();
    const result = (await handle.result()) as EndedWorkOrder;

    expect(result.steps.map((step) => step.step)).toEqual(['create-branch', 'commit', 'user-prompt', 'create-pr']);
    expect(await scheduledActivities(handle)).toEqual(['runAgent', 'runAgent', 'deliverPrompt', 'runAgent', 'createPR', 'cleanup']);
  });

  it('opens no pull request with a plan that may wait for approval', async () => {
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'planning', 'create-pr'], approval: 'plan' });
    try {
      await waitFor(() => runsOf(handle).some((input) => input.step === 'planning'), 'the planning step to start');
      expect(runsOf(handle).find((input) => input.step === 'planning')?.pushForPullRequest).toEqual({ repositoryUrl: 'https://forge.example/acme/fake', baseBranch: 'main' });
    } finally {
      await handle.terminate('the test looked at the planning step only');
    }
  });

  it('tells only the step right before the pull request to push early and open it, with the input createPR would get', async () => {
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr', 'planning'] });
    await handle.result();
    expect(runsOf(handle).map((input) => [input.step, input.pushForPullRequest])).toEqual([
      ['create-branch', undefined],
      [
        'commit',
        {
          repositoryUrl: 'https://forge.example/acme/fake',
          baseBranch: 'main',
          // What createPR would be given: the step opens the pull request with it.
          pullRequest: expect.objectContaining({ agentWorkOrderId: handle.workflowId, baseBranch: 'main', branchName: 'feat/fake', observe: true }),
        },
      ],
      ['planning', undefined],
    ]);
  });

  it('observes with the separate activities when a step result carries no observation (an older worker on the host)', async () => {
    worker.use({ runAgent: async (input) => agentSuccess(input) });
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit'] });
    const result = (await handle.result()) as EndedWorkOrder;

    expect(trackedSteps(handle)).toEqual(['create-branch', 'commit']);
    expect(await scheduledActivities(handle)).toEqual(['runAgent', 'detectBranch', 'trackPhase', 'runAgent', 'detectBranch', 'trackPhase', 'cleanup']);
    expect(result).toMatchObject({ status: 'completed', git_branch_name: 'feat/fake' });
    // The fake's commits count across work orders: any number but the initial 0 shows the observation arrived.
    expect(result.git_commit_count).toBeGreaterThan(0);
  });

  it('waits for the grant signal when no slot is free, and gets it when the slot holder ends', async () => {
    const single = await new FakeWorkOrderWorker({ maxConcurrent: 1 }).start();
    try {
      const hold = gate();
      const running = gate();
      single.use({
        runAgent: async (input) => {
          if (input.userRequest === 'first') {
            running.open();
            await hold.promise;
          }
          return agentSuccess(input);
        },
      });
      const first = await single.startWorkOrder({ userRequest: 'first', selectedCommands: ['planning'] });
      await running.promise;
      const second = await single.startWorkOrder({ userRequest: 'second', selectedCommands: ['planning'] });
      await waitFor(async () => (await second.query<{ status: string }>('workOrderState')).status === 'pending' && (await historyEvents(second)).length > 4, 'the second work order to wait');
      // Its sandbox is ready while it waits; its agent runs only after the grant.
      expect(single.callsOf('setupSandbox')).toHaveLength(2);
      expect(single.callsOf('runAgent')).toHaveLength(1);

      hold.open();
      expect(((await second.result()) as EndedWorkOrder).status).toBe('completed');
      expect(await grantSignals(first)).toBe(0);
      expect(await grantSignals(second)).toBe(1);
    } finally {
      await single.stop();
    }
  });
});
