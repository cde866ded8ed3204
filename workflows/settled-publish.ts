import { condition, patched } from '@temporalio/workflow';

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
 * Work orders started before this patch publish a prompt's count (`pending_prompts`) only with their next state change,
 * so the API asked a worker for the state of a work order it had just sent a prompt to. Later ones publish it with the
 * signal's own workflow task, at the cost of one memo write. Decided once, at the start.
 */
export const promptCountPublishPatch = 'awo-prompt-count-published';

export function publishesPromptCount(): boolean {
  return patched(promptCountPublishPatch);
}

/**
 * Resolves once the code the current activation started has run as far as it can: the SDK checks blocked conditions
 * only after the microtasks have drained (the eager check at creation answers false). In a cancelled scope the
 * condition is refused at once, and this resolves then: the changes are published straight away instead of batched.
 * (A non-cancellable scope would cost more promises, each with its stack trace, than the batching saves.)
 */
export async function activationSettled(): Promise<void> {
  let checkedAtCreation = false;
  await condition(() => {
    if (checkedAtCreation) return true;
    checkedAtCreation = true;
    return false;
  }).catch(() => undefined);
}
