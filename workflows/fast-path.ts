import { patched } from '@temporalio/workflow';

/**
 * Work orders started before this patch publish their state (search attributes, memo) with every change, so one
 * workflow task wrote the same attributes and memo up to three times. Later ones publish once per workflow task, after
 * its last change, and upsert only the search attributes that changed. Decided once, at the start, for the whole run.
 */
export const fastPathPatch = 'awo-fast-path';

export function usesFastPath(): boolean {
  return patched(fastPathPatch);
}
