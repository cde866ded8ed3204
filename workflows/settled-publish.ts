import { CancellationScope, condition, patched } from '@temporalio/workflow';

/**
 * Work orders started before this patch publish their state after a hundred microtask turns; the SDK's promise hook
 * captures a stack trace for every promise a workflow creates, so those turns cost about half of each workflow task's
 * time. Later ones publish when the activation's code has settled, with one promise. Decided once, at the start.
 */
export const settledPublishPatch = 'awo-publish-settled';

export function usesSettledPublish(): boolean {
  return patched(settledPublishPatch);
}

/**
 * Resolves once the code the current activation started has run as far as it can: the SDK checks blocked conditions
 * only after the microtasks have drained (the eager check at creation answers false). Not cancellable, so the final
 * state of a cancelled work order is published too.
 */
export function activationSettled(): Promise<void> {
  let checkedAtCreation = false;
  return CancellationScope.nonCancellable(() =>
    condition(() => {
      if (checkedAtCreation) return true;
      checkedAtCreation = true;
      return false;
    }),
  );
}
