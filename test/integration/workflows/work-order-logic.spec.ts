import { ApplicationFailure, CancelledFailure, type WorkflowHandle, WorkflowFailedError } from '@temporalio/client';
import type { CleanupInput, CreatePullRequestInput } from '../../../activities/activity-types.js';
import type { AgentWorkOrder, StepHistory } from '../../../src/models/work-order.js';
import { type AdmissionQueue, admissionControllerId } from '../../../workflows/admission-messages.js';
import { cancelledStepsMemoKey, type EndedWorkOrder, workOrderMemoKey } from '../../../workflows/messages.js';
import { cancelReachingFinishedAgent, cancelUnansweredByGoneHost, historyScenarios } from '../../replay/history-scenarios.js';
import { agentSuccess, FakeWorkOrderWorker, heartbeatUntil } from '../../utils/fake-work-order-worker.js';
import { gate } from '../../utils/scripted-steps.js';
import { waitFor } from '../../utils/work-order-harness.js';

/** The workflow's own logic on fake activities: every path in seconds, no git, no agent CLI, no forge. */
describe('work-order workflow logic', () => {
  const worker = new FakeWorkOrderWorker();

  beforeAll(() => worker.start());
  afterAll(() => worker.stop());
  beforeEach(() => worker.use({}));

  const failureOf = async (handle: WorkflowHandle): Promise<WorkflowFailedError> => {
    const error = await handle.result().then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    return error as WorkflowFailedError;
  };
  const memoOf = async (handle: WorkflowHandle) => (await handle.describe()).memo ?? {};
  const emptyQueue: AdmissionQueue = { maxConcurrent: 0, admitted: [], waiting: [], submittedAt: {} };
  // The controller starts with the first request for a slot; before that, nobody waits.
  const admissionQueue = (workers: FakeWorkOrderWorker) =>
    workers.client.workflow
      .getHandle(admissionControllerId(workers.taskQueue))
      .query<AdmissionQueue>('admissionQueue')
      .catch(() => emptyQueue);
  const expectSlotReleased = (workers: FakeWorkOrderWorker, id: string) =>
    waitFor(async () => {
      const queue = await admissionQueue(workers);
      return !queue.admitted.includes(id) && !queue.waiting.includes(id);
    }, `the admission slot of ${id} to be released`, 10_000);
  const cleanupOf = (id: string) => worker.callsOf('cleanup').find((input) => (input as CleanupInput).agentWorkOrderId === id) as CleanupInput | undefined;

  it('returns the final state with its step history and keeps the state (without steps) in the memo', async () => {
    const handle = await worker.startWorkOrder({ workflowType: 'agent_workflow_full' });
    const result = (await handle.result()) as EndedWorkOrder;

    expect(result).toMatchObject({ status: 'completed', current_phase: 'pr_created', workflow_type: 'agent_workflow_full', github_pull_request_url: 'https://forge.example/acme/fake/pull/1' });
    expect(result.steps.map((step) => step.step)).toEqual(['create-branch', 'planning', 'execute', 'commit', 'create-pr']);
    const memo = (await memoOf(handle))[workOrderMemoKey] as AgentWorkOrder & { steps?: unknown };
    expect(memo).toMatchObject({ agent_work_order_id: handle.workflowId, status: 'completed', current_phase: 'pr_created', current_step: null });
    expect(memo.steps).toBeUndefined();
    expect(cleanupOf(handle.workflowId)).toMatchObject({ status: 'completed' });
    await expectSlotReleased(worker, handle.workflowId);
  });

  it('fails with the final state and steps as the failure details, and releases its slot', async () => {
    worker.use({ runAgent: async (input) => (input.step === 'execute' ? agentSuccess(input, { success: false, errorMessage: 'the agent gave up' }) : agentSuccess(input)) });
    const handle = await worker.startWorkOrder();
    const failure = await failureOf(handle);

    expect(failure.cause).toBeInstanceOf(ApplicationFailure);
    const cause = failure.cause as ApplicationFailure;
    expect(cause.message).toBe('step execute failed: the agent gave up');
    const [details] = cause.details as [EndedWorkOrder];
    expect(details).toMatchObject({ status: 'failed', error_message: 'step execute failed: the agent gave up' });
    expect(details.steps.map((step) => [step.step, step.success])).toEqual([
      ['create-branch', true],
      ['planning', true],
      ['execute', false],
    ]);
    expect(((await memoOf(handle))[workOrderMemoKey] as AgentWorkOrder).status).toBe('failed');
    expect(cleanupOf(handle.workflowId)).toMatchObject({ status: 'failed' });
    await expectSlotReleased(worker, handle.workflowId);
  });

  describe('cancellation at each stage ends cancelled, with cleanup run and the slot released', () => {
    const expectCancelled = async (workers: FakeWorkOrderWorker, handle: WorkflowHandle, stepsBefore: string[]) => {
      await handle.cancel();
      await expectEndedCancelled(workers, handle, stepsBefore);
    };
    const expectEndedCancelled = async (workers: FakeWorkOrderWorker, handle: WorkflowHandle, stepsBefore: string[]) => {
      const failure = await failureOf(handle);
      expect(failure.cause).toBeInstanceOf(CancelledFailure);
      const memo = await memoOf(handle);
      expect(memo[workOrderMemoKey]).toMatchObject({ status: 'cancelled', error_message: 'cancelled by request' });
      expect((memo[cancelledStepsMemoKey] as StepHistory).steps.map((step) => step.step)).toEqual(stepsBefore);
      await waitFor(() => workers.callsOf('cleanup').some((input) => (input as CleanupInput).agentWorkOrderId === handle.workflowId), 'cleanup to run');
      expect(workers.callsOf('cleanup').find((input) => (input as CleanupInput).agentWorkOrderId === handle.workflowId)).toMatchObject({ status: 'cancelled' });
      await expectSlotReleased(workers, handle.workflowId);
    };

    it('pending: waiting for an admission slot that never comes', async () => {
      const full = await new FakeWorkOrderWorker({ maxConcurrent: 0 }).start();
      try {
        const handle = await full.startWorkOrder();
        await waitFor(async () => (await admissionQueue(full)).waiting.includes(handle.workflowId), 'the work order to wait in line');
        expect((await handle.query<AgentWorkOrder>('workOrderState')).status).toBe('pending');
        await expectCancelled(full, handle, []);
        // The sandbox was made while the work order waited (no agent ran): cleanup knew it and removed it.
        expect(full.callsOf('setupSandbox')).toHaveLength(1);
        expect(full.callsOf('runAgent')).toEqual([]);
        expect(full.callsOf('cleanup')).toEqual([expect.objectContaining({ agentWorkOrderId: handle.workflowId, mirrorPath: '/fake/repositories/acme/fake.git' })]);
      } finally {
        await full.stop();
      }
    });

    it('setup: while the sandbox is being made', async () => {
      const started = gate();
      worker.use({
        setupSandbox: async () => {
          started.open();
          await heartbeatUntil(new Promise(() => undefined));
          throw new Error('unreachable');
        },
      });
      const handle = await worker.startWorkOrder();
      await started.promise;
      await expectCancelled(worker, handle, []);
    });

    it('agent step: while the agent works', async () => {
      const started = gate();
      worker.use({
        runAgent: async (input) => {
          if (input.step === 'planning') {
            started.open();
            await heartbeatUntil(new Promise(() => undefined));
          }
          return agentSuccess(input);
        },
      });
      const handle = await worker.startWorkOrder();
      await started.promise;
      await expectCancelled(worker, handle, ['create-branch']);
    });

    // The cancel reaches an agent only in a heartbeat's answer: one that finishes first returns its result anyway.
    it('agent step: the last step finishes before the cancel reaches its agent', async () => {
      const handle = await cancelReachingFinishedAgent(worker, 'planning', { selectedCommands: ['create-branch', 'planning'] });
      await expectEndedCancelled(worker, handle, ['create-branch', 'planning']);
    });

    it('agent step: an agent stopped by the cancel reports a failure, and the work order still ends cancelled', async () => {
      const handle = await cancelReachingFinishedAgent(worker, 'execute', {}, { success: false, errorMessage: 'the agent CLI exited with code 143 without a result' });
      await expectEndedCancelled(worker, handle, ['create-branch', 'planning', 'execute']);
    });

    it('agent step: on a host that is gone, whose agent never answers the cancel and times out', async () => {
      const handle = await cancelUnansweredByGoneHost(worker, 'planning');
      await expectEndedCancelled(worker, handle, ['create-branch']);
    });

    it('create-pr: while the branch is pushed', async () => {
      const started = gate();
      worker.use({
        createPR: async () => {
          started.open();
          await heartbeatUntil(new Promise(() => undefined));
          throw new Error('unreachable');
        },
      });
      const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr'] });
      await started.promise;
      await expectCancelled(worker, handle, ['create-branch', 'commit']);
    });
  });

  it('runs a prompt that arrives while the pull request is opened, then pushes again to the same pull request', async () => {
    const scenario = historyScenarios.find((candidate) => candidate.name === 'late-prompt-second-pull-request')!;
    const handle = await scenario.run(worker);
    const result = (await handle.result()) as EndedWorkOrder;

    expect(result.steps.map((step) => step.step)).toEqual(['create-branch', 'commit', 'create-pr', 'user-prompt', 'create-pr']);
    expect(result.steps[3]).toMatchObject({ prompt_text: 'One more thing after the PR' });
    const pullRequests = worker.callsOf('createPR').filter((input) => (input as CreatePullRequestInput).agentWorkOrderId === handle.workflowId);
    expect(pullRequests).toHaveLength(2);
  });

  it('fails clearly when the host holding the sandbox never picks up its work, and still ends', async () => {
    const hostless = await new FakeWorkOrderWorker({ pollHostQueue: false }).start();
    try {
      const handle = await hostless.startWorkOrder({ hostPickupTimeoutSeconds: 2 });
      const failure = await failureOf(handle);

      expect(failure.cause?.message).toBe('step create-branch failed: the worker host holding the sandbox did not pick up the work within 2 seconds');
      expect(((failure.cause as ApplicationFailure).details?.[0] as EndedWorkOrder).status).toBe('failed');
      await expectSlotReleased(hostless, handle.workflowId);
    } finally {
      await hostless.stop();
    }
  });

  it('retries a push the forge refuses for a while, and the work order completes', async () => {
    let refusals = 2;
    worker.use({
      createPR: async (input) => {
        if (refusals-- > 0) throw new Error('git push refused: the remote hung up');
        return { pullRequestUrl: 'https://forge.example/acme/fake/pull/2', pullRequestNumber: 2, branchName: input.branchName ?? 'feat/fake', created: true };
      },
    });
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr'] });
    const result = (await handle.result()) as EndedWorkOrder;

    expect(result).toMatchObject({ status: 'completed', github_pull_request_url: 'https://forge.example/acme/fake/pull/2' });
    expect(worker.callsOf('createPR').filter((input) => (input as CreatePullRequestInput).agentWorkOrderId === handle.workflowId)).toHaveLength(3);
  });

  it('names the local branch that keeps the commits when pushing fails for longer than the retry period', async () => {
    worker.use({
      createPR: async () => {
        throw new Error('git push refused: the remote hung up');
      },
    });
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr'], pushRetrySeconds: 3 });
    const failure = await failureOf(handle);

    expect(failure.cause?.message).toBe(
      `step create-pr failed: git push refused: the remote hung up; the commits are kept on the local branch feat/fake in /fake/work-orders/${handle.workflowId}/sandbox until retention removes it`,
    );
  });
});
