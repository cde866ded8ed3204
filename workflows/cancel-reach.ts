import { CancellationScope, patched } from '@temporalio/workflow';

/**
 * A cancellation reaches a running activity only in the answer to one of its heartbeats, so an agent (or a push) can
 * finish and hand back its result after the work order was cancelled. Work orders started before this patch acted on
 * that result as if nothing had been asked (with lean orchestration no further activity follows the last step, so they
 * ended `completed`); later ones end cancelled once the result is recorded. Only asked when a cancel is pending, so
 * runs without one carry no marker.
 */
export const cancelReachPatch = 'awo-cancel-reach';

/** Rethrows the work order's pending cancellation, if there is one, where the workflow is about to act on a result. */
export async function endIfCancelRequested(): Promise<void> {
  const scope = CancellationScope.current();
  if (scope.consideredCancelled && patched(cancelReachPatch)) await scope.cancelRequested;
}
