import { patched } from '@temporalio/workflow';
import type { PushForPullRequest } from '../activities/activity-types.js';
import type { WorkOrderStep } from '../src/models/work-order-steps.js';
import type { WorkOrderRun } from './work-order-run.js';
import { pullRequestInput } from './pull-request-step.js';

/**
 * Work orders started before this patch push their branch in `createPR` only, after the last agent exited. Later ones
 * tell the step right before `create-pr` to start that push as soon as its agent's turn ends, while the CLI shuts down
 * and the workflow moves on; `createPR` uses it when the branch and its tip are still the ones pushed.
 */
export const earlyPushPatch = 'awo-early-push';

/**
 * Work orders started before this patch open the pull request in `createPR`, a workflow task and an activity after
 * the step before it. Later ones ask that step to open it too, right after its early push; `create-pr` then records
 * what it opened, unless a prompt ran in between (its commits still need `createPR`'s push).
 */
export const earlyPullRequestPatch = 'awo-early-pull-request';

/** What the step before the pull request needs to push early (and open it); none for every other step. */
export function earlyPushBefore(run: WorkOrderRun, step: WorkOrderStep, nextStep: WorkOrderStep | undefined): PushForPullRequest | undefined {
  if (nextStep !== 'create-pr' || !patched(earlyPushPatch)) return undefined;
  const push = { repositoryUrl: run.input.repositoryUrl, baseBranch: run.sandbox.baseBranch };
  // A plan that may wait for approval opens no pull request before a person said yes. The input is read, not
  // asksForPlanApproval: its patch check must stay where it was in histories recorded before this one.
  if (!run.lean || (step === 'planning' && run.input.approval === 'plan') || !patched(earlyPullRequestPatch)) return push;
  return { ...push, pullRequest: pullRequestInput(run) };
}
