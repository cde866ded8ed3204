import { workflowInfo } from '@temporalio/workflow';
import type { SetupSandboxResult } from '../activities/activity-types.js';
import type { WorkOrderInput } from '../src/models/work-order.js';
import { isAgentStep, type WorkOrderStep } from '../src/models/work-order-steps.js';
import { admissionControllerId } from './admission-messages.js';
import { AdmissionSlot } from './admission-slot.js';
import { asCancellation, cancelledByRequest, endIfCancelRequested } from './cancel-reach.js';
import { runAgentStep, runQueuedPrompts } from './agent-step.js';
import type { EndedWorkOrder } from './messages.js';
import { asksForPlanApproval, PlanApprovalGate, PlanRejected } from './plan-approval.js';
import { usesPreparedStart } from './prepared-start.js';
import { PromptRouter } from './prompt-router.js';
import { openPullRequest } from './pull-request-step.js';
import { usesFastPath } from './fast-path.js';
import { earlyPushBefore } from './early-push.js';
import { publishesPromptCount, usesSettledPublish } from './settled-publish.js';
import { usesLeanOrchestration } from './lean-orchestration.js';
import { prepareWorkOrder } from './local-prepare.js';
import { prepareInputOf } from './prepare-input.js';
import { hostActivities, hostPickupTimeoutSeconds, sharedActivities } from './work-order-activities.js';
import { cleanUpWorkOrder, publishCancelledSteps } from './work-order-cleanup.js';
import { endingFailure, failureMessage } from './work-order-failure.js';
import { WorkOrderRecord } from './work-order-record.js';
import type { WorkOrderRun } from './work-order-run.js';

/**
 * One work order: wait for an admission slot, set up the sandbox, run the selected steps (with the prompts that
 * arrive), open the pull request, and clean up however it ends. Returns the final state with its step history.
 */
export async function agentWorkOrderWorkflow(input: WorkOrderInput): Promise<EndedWorkOrder> {
  const lean = usesLeanOrchestration();
  const coalesce = usesFastPath();
  const publishWhenSettled = coalesce && usesSettledPublish();
  const record = new WorkOrderRecord(input, { coalesce, publishWhenSettled, publishPromptCount: publishWhenSettled && publishesPromptCount() });
  const prompts = new PromptRouter(record);
  const admission = new AdmissionSlot();
  const approval = new PlanApprovalGate(record);
  const prepared = lean && usesPreparedStart();
  let sandbox: SetupSandboxResult | null = null;
  try {
    // Stays `pending` until the global admission controller grants a slot: no agent runs before that.
    record.update({ status: 'pending' });
    let issueText: string | null;
    if (prepared) {
      admission.joinsAt(admissionControllerId(workflowInfo().taskQueue));
      const ready = await prepareWorkOrder(prepareInputOf(input));
      sandbox = ready.sandbox;
      issueText = ready.issueText;
      admission.joined(ready.admission);
      record.update({ sandbox_identifier: sandbox.sandboxPath });
      await admission.waitForGrant();
      record.update({ status: 'running', current_phase: 'setup' });
    } else {
      await admission.acquire(input, lean);
      record.update({ status: 'running', current_phase: 'setup' });
      sandbox = await sharedActivities.setupSandbox({ agentWorkOrderId: input.agentWorkOrderId, repositoryUrl: input.repositoryUrl, sandboxType: input.sandboxType });
      record.update({ sandbox_identifier: sandbox.sandboxPath });
      issueText = input.githubIssueNumber
        ? await sharedActivities.loadIssue({ agentWorkOrderId: input.agentWorkOrderId, repositoryUrl: input.repositoryUrl, issueNumber: input.githubIssueNumber })
        : null;
    }
    const run: WorkOrderRun = {
      input,
      lean,
      record,
      prompts,
      sandbox,
      host: hostActivities(sandbox.hostTaskQueue, input),
      issueText,
      planOutput: null,
      promptsRunAfterPullRequest: false,
      earlyPullRequest: null,
    };
    for (const [index, step] of input.selectedCommands.entries()) {
      await runStep(run, step, input.selectedCommands[index + 1]);
      await runQueuedPrompts(run);
      if (step === 'planning' && asksForPlanApproval(input)) {
        await approval.await(run);
        // Prompts sent while the plan waited run now, before the steps that implement it.
        await runQueuedPrompts(run);
      }
    }
    // A prompt that arrived during the last step still gets its turn, and its commits reach the pull request.
    await runQueuedPrompts(run);
    if (run.promptsRunAfterPullRequest) await openPullRequest(run, 'create-pr');
    // The last result may have come back after a cancel was asked for: no activity follows that would end the run.
    await endIfCancelRequested();

    record.update({ status: 'completed', current_phase: record.state.github_pull_request_url ? 'pr_created' : 'finished', current_step: null });
    return record.ended();
  } catch (error) {
    if (error instanceof PlanRejected) {
      // A person's decision, not a failure: the work order ends cancelled with the reason, and nothing is pushed.
      record.update({ status: 'cancelled', error_message: error.message, current_step: null });
      return record.ended();
    }
    if (cancelledByRequest(error)) {
      record.update({ status: 'cancelled', error_message: 'cancelled by request' });
      publishCancelledSteps(record);
      throw asCancellation(error);
    }
    const kept = { branchName: record.state.git_branch_name, sandboxPath: sandbox?.sandboxPath ?? null, hostPickupTimeoutSeconds: hostPickupTimeoutSeconds(input) };
    record.update({ status: 'failed', error_message: failureMessage(error, record.state.current_step, kept) });
    throw endingFailure(error, record.ended());
  } finally {
    await cleanUpWorkOrder(input, record, admission, sandbox, lean);
  }
}

async function runStep(run: WorkOrderRun, step: WorkOrderStep, nextStep: WorkOrderStep | undefined): Promise<void> {
  if (!isAgentStep(step)) return openPullRequest(run, step);
  const result = await runAgentStep(run, step, undefined, earlyPushBefore(run, step, nextStep));
  if (step === 'planning') run.planOutput = result.output;
  run.earlyPullRequest = result.pullRequest ?? null;
}
