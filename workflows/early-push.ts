import { patched } from '@temporalio/workflow';
import type { PushForPullRequest } from '../activities/activity-types.js';
import type { WorkOrderStep } from '../src/models/work-order-steps.js';
import type { WorkOrderRun } from './work-order-run.js';

/**
 * Work orders started before this patch push their branch in `createPR` only, after the last agent exited. Later ones
 * tell the step right before `create-pr` to start that push as soon as its agent's turn ends, while the CLI shuts down
 * and the workflow moves on; `createPR` uses it when the branch and its tip are still the ones pushed.
 */
export const earlyPushPatch = 'awo-early-push';

/** What the step before the pull request needs to push early; none for every other step. */
export function earlyPushBefore(run: WorkOrderRun, nextStep: WorkOrderStep | undefined): PushForPullRequest | undefined {
  if (nextStep !== 'create-pr' || !patched(earlyPushPatch)) return undefined;
  return { repositoryUrl: run.input.repositoryUrl, baseBranch: run.sandbox.baseBranch };
}
