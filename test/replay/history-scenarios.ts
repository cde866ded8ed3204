import type { WorkflowHandle } from '@temporalio/client';
import type { RunAgentInput, RunAgentResult } from '../../activities/activity-types.js';
import type { AgentWorkOrder, WorkOrderInput, WorkOrderStep } from '../../src/models/work-order.js';
import { agentSuccess, type FakeWorkOrderWorker, heartbeatUntil } from '../utils/fake-work-order-worker.js';
import { gate } from '../utils/scripted-steps.js';
import { waitFor } from '../utils/work-order-harness.js';

/**
 * The work-order paths whose histories the replay test keeps: each drives one work order on fake activities to its
 * end. Recorded with `npm run test:record-histories`; the replay test needs no worker, only the JSON.
 */
export interface HistoryScenario {
  name: string;
  run(worker: FakeWorkOrderWorker): Promise<WorkflowHandle>;
}

async function ended(handle: WorkflowHandle): Promise<WorkflowHandle> {
  await handle.result().catch(() => undefined);
  return handle;
}

/** Holds the agent step `step` until the returned gate opens; resolves `started` when it is running. */
function holdStep(worker: FakeWorkOrderWorker, step: string, extra: (input: RunAgentInput) => Partial<ReturnType<typeof agentSuccess>> = () => ({})) {
  const release = gate();
  const started = gate();
  worker.use({
    runAgent: async (input) => {
      if (input.step === step) {
        started.open();
        await heartbeatUntil(release.promise);
      }
      return agentSuccess(input, extra(input));
    },
  });
  return { release, started };
}

/**
 * Like `holdStep`, but the held step sends no heartbeat, so it never hears of a cancellation, and it answers with git
 * observed as the worker's agents do (a result without it would make the workflow run the observation activities).
 */
function holdStepWithoutHeartbeat(worker: FakeWorkOrderWorker, step: string, extra: Partial<RunAgentResult> = {}) {
  const release = gate();
  const started = gate();
  worker.use({
    runAgent: async (input) => {
      if (input.step !== step) return worker.agentResult(input);
      started.open();
      await release.promise;
      return worker.agentResult(input, extra);
    },
  });
  return { release, started };
}

/**
 * Cancels a work order while agent step `step` runs, and lets that step return `extra` (a success by default) only
 * after the workflow has asked Temporal to cancel it: the cancel never reaches the agent, as when it finishes between
 * two heartbeats or after its last one. Resolves with the work order's handle once it has ended.
 */
export async function cancelReachingFinishedAgent(
  worker: FakeWorkOrderWorker,
  step: string,
  options: Partial<WorkOrderInput> & { selectedCommands?: WorkOrderStep[] },
  extra: Partial<RunAgentResult> = {},
): Promise<WorkflowHandle> {
  const { release, started } = holdStepWithoutHeartbeat(worker, step, extra);
  const handle = await worker.startWorkOrder(options);
  await started.promise;
  await handle.cancel();
  await waitFor(async () => (await handle.fetchHistory()).events?.some((event) => event.activityTaskCancelRequestedEventAttributes) ?? false, 'the workflow to ask for its agent activity to be cancelled');
  release.open();
  return ended(handle);
}

/**
 * Cancels a work order while agent step `step` runs on a host that never answers again (no heartbeat, no result): the
 * cancel cannot reach the agent, and the attempt ends by its heartbeat timeout. Resolves once the work order has ended.
 */
export async function cancelUnansweredByGoneHost(worker: FakeWorkOrderWorker, step: string, options: Partial<WorkOrderInput> = {}): Promise<WorkflowHandle> {
  // Held until the work order has ended, so the worker stops with nothing left running.
  const { release: ending, started } = holdStepWithoutHeartbeat(worker, step);
  const handle = await worker.startWorkOrder({ heartbeatTimeoutSeconds: 2, ...options });
  await started.promise;
  await handle.cancel();
  await ended(handle);
  ending.open();
  return handle;
}

/** A work order asking for plan approval, once its plan waits. */
async function planWaitingForApproval(worker: FakeWorkOrderWorker): Promise<WorkflowHandle> {
  worker.use({});
  const handle = await worker.startWorkOrder({ approval: 'plan', approvalTimeoutSeconds: 3600, approvalOnTimeout: 'fail' });
  await waitFor(async () => (await handle.query<AgentWorkOrder>('workOrderState')).status === 'waiting_for_approval', 'the plan to wait for approval');
  return handle;
}

export const historyScenarios: HistoryScenario[] = [
  {
    name: 'happy-path',
    run: async (worker) => {
      worker.use({});
      return ended(await worker.startWorkOrder({ githubIssueNumber: 7 }));
    },
  },
  {
    name: 'plan-only',
    run: async (worker) => {
      worker.use({});
      return ended(await worker.startWorkOrder({ selectedCommands: ['create-branch', 'planning'] }));
    },
  },
  {
    name: 'prompt-queued-mid-run',
    run: async (worker) => {
      const { release, started } = holdStep(worker, 'create-branch');
      const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr'] });
      await started.promise;
      await handle.signal('prompt', { prompt_text: 'Also add a changelog entry', prompt_id: 'prompt-queued' });
      await waitFor(() => worker.callsOf('deliverPrompt').length > 0, 'the prompt to be posted to the running step');
      release.open();
      return ended(handle);
    },
  },
  {
    name: 'prompt-delivered-live',
    run: async (worker) => {
      const { release, started } = holdStep(worker, 'create-branch', () => ({ deliveredPromptIds: ['prompt-live'] }));
      const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr'] });
      await started.promise;
      await handle.signal('prompt', { prompt_text: 'Also add OKAPI.md', prompt_id: 'prompt-live' });
      await waitFor(() => worker.callsOf('deliverPrompt').length > 0, 'the prompt to be posted to the running step');
      release.open();
      return ended(handle);
    },
  },
  {
    name: 'late-prompt-second-pull-request',
    run: async (worker) => {
      const release = gate();
      const started = gate();
      worker.use({
        createPR: async (input) => {
          started.open();
          await release.promise;
          return { pullRequestUrl: 'https://forge.example/acme/fake/pull/1', pullRequestNumber: 1, branchName: input.branchName ?? 'feat/fake', created: true };
        },
      });
      const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr'] });
      await started.promise;
      await handle.signal('prompt', { prompt_text: 'One more thing after the PR', prompt_id: 'prompt-late' });
      release.open();
      return ended(handle);
    },
  },
  {
    name: 'cancelled-during-agent-step',
    run: async (worker) => {
      const { started } = holdStep(worker, 'planning');
      const handle = await worker.startWorkOrder();
      await started.promise;
      await handle.cancel();
      return ended(handle);
    },
  },
  {
    name: 'cancel-reaching-finished-agent',
    run: (worker) => cancelReachingFinishedAgent(worker, 'planning', { selectedCommands: ['create-branch', 'planning'] }),
  },
  {
    name: 'cancel-unanswered-by-gone-host',
    run: (worker) => cancelUnansweredByGoneHost(worker, 'planning'),
  },
  {
    name: 'plan-approval-edited',
    run: async (worker) => {
      const handle = await planWaitingForApproval(worker);
      await handle.signal('prompt', { prompt_text: 'Also mention the okapi', prompt_id: 'prompt-waiting' });
      await handle.executeUpdate('approval', { args: [{ decision: 'edit', plan: '# Edited plan', comment: 'smaller' }] });
      return ended(handle);
    },
  },
  {
    name: 'plan-approval-rejected',
    run: async (worker) => {
      const handle = await planWaitingForApproval(worker);
      await handle.executeUpdate('approval', { args: [{ decision: 'reject', comment: 'wrong approach' }] });
      return ended(handle);
    },
  },
  {
    name: 'failed-agent-step',
    run: async (worker) => {
      worker.use({
        runAgent: async (input) =>
          input.step === 'execute' ? agentSuccess(input, { success: false, errorMessage: 'the agent gave up' }) : agentSuccess(input),
      });
      return ended(await worker.startWorkOrder());
    },
  },
];
