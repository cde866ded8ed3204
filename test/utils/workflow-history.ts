import type { WorkflowHandle } from '@temporalio/client';

/** The events of a work order's history so far. */
export async function historyEvents(handle: WorkflowHandle) {
  return (await handle.fetchHistory()).events ?? [];
}

/** The activities the workflow scheduled (not its local activities), in order. */
export async function scheduledActivities(handle: WorkflowHandle): Promise<string[]> {
  return (await historyEvents(handle)).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}
