import { patched } from '@temporalio/workflow';

/**
 * Work orders started before this patch keep their round trips: admission by request activity and grant signal, git
 * observed by two activities after each step, the slot released before the sandbox cleanup. Later ones ask for
 * admission in a local activity that is answered at once when a slot is free, get the git observation with each step's
 * result, and release and clean up at the same time. Decided once, at the start, for the whole run.
 */
export const leanOrchestrationPatch = 'awo-lean-orchestration';

export function usesLeanOrchestration(): boolean {
  return patched(leanOrchestrationPatch);
}
