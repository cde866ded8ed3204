import { ApplicationFailure, isCancellation, TimeoutFailure } from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import type { StepName } from '../src/models/work-order.js';
import type { EndedWorkOrder } from './messages.js';

/** Thrown by the workflow itself; its message is what the user reads as the work order's error. */
export class WorkOrderFailed extends Error {}

/** Where the work survives when the pull request could not be opened: the branch in the sandbox on its host. */
export interface KeptWork {
  branchName: string | null;
  sandboxPath: string | null;
  hostPickupTimeoutSeconds: number;
}

/** The error message a user reads for a work order that failed with `error` during `step`. */
export function failureMessage(error: unknown, step: StepName | null, kept: KeptWork): string {
  if (error instanceof WorkOrderFailed) return error.message;
  const prefix = step ? `step ${step} failed: ` : '';
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof TimeoutFailure && cause.timeoutType === TimeoutType.SCHEDULE_TO_START) {
    return `${prefix}the worker host holding the sandbox did not pick up the work within ${formatSeconds(kept.hostPickupTimeoutSeconds)}`;
  }
  // An activity that ran out of retry time carries its last attempt's error under the timeout: that is the reason.
  const lastAttempt = cause instanceof TimeoutFailure ? (cause.cause as { message?: string } | undefined) : undefined;
  const message = lastAttempt?.message ?? (cause as { message?: string } | undefined)?.message ?? (error instanceof Error ? error.message : String(error));
  if (step === 'create-pr' && kept.branchName) {
    return `${prefix}${message}; the commits are kept on the local branch ${kept.branchName} in ${kept.sandboxPath ?? 'the sandbox'} until retention removes it`;
  }
  return `${prefix}${message}`;
}

/** What the workflow throws at its end: a cancellation stays one, anything else fails with the final state attached. */
export function endingFailure(error: unknown, ended: EndedWorkOrder): unknown {
  if (isCancellation(error)) return error;
  return ApplicationFailure.create({
    type: 'WorkOrderFailed',
    message: ended.error_message ?? 'the work order failed',
    nonRetryable: true,
    details: [ended],
    cause: error instanceof WorkOrderFailed ? undefined : (error as Error),
  });
}

function formatSeconds(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`;
}
