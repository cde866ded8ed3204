import { patched } from '@temporalio/workflow';

/**
 * Work orders started before this patch join the admission line (a local activity) and only then set up their sandbox
 * and load their issue, one after another. Later ones do all three in one activity at the same time: the sandbox may
 * be ready while the work order still waits for its slot, and no agent runs before the grant. Decided at the start.
 */
export const preparedStartPatch = 'awo-prepared-start';

export function usesPreparedStart(): boolean {
  return patched(preparedStartPatch);
}
