import { CancellationScope, CancelledFailure, isCancellation, patched } from '@temporalio/workflow';

/**
 * A cancellation reaches a running activity only in the answer to one of its heartbeats, so an agent (or a push) can
 * finish and hand back its result after the work order was cancelled. Work orders started before this patch acted on
 * that result as if nothing had been asked (with lean orchestration no further activity follows the last step, so they
 * ended `completed`) or failed with the step's failure (an agent killed by the cancel that reported a failure, one on a
 * host that is gone timing out); later ones end cancelled. Only asked when a cancel is pending, so runs without one
 * carry no marker.
 */
export const cancelReachPatch = 'awo-cancel-reach';

/** Rethrows the work order's pending cancellation, if there is one, where the workflow is about to act on a result. */
export async function endIfCancelRequested(): Promise<void> {
  const scope = CancellationScope.current();
  if (scope.consideredCancelled && patched(cancelReachPatch)) await scope.cancelRequested;
}

/** The work order ends cancelled: by the cancellation itself, or by a failure that came after a cancel was asked for. */
export function cancelledByRequest(error: unknown): boolean {
  if (isCancellation(error)) return true;
  return CancellationScope.current().consideredCancelled && patched(cancelReachPatch);
}

/** What the workflow throws to end cancelled (Temporal records a cancelled run only for a cancellation). */
export function asCancellation(error: unknown): unknown {
  return isCancellation(error) ? error : new CancelledFailure('cancelled by request');
}
