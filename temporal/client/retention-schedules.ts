import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, ScheduleOverlapPolicy } from '@temporalio/client';

const scheduleIdPrefix = 'awo-retention-';

/** One schedule per worker host: each host's AWO_HOME holds its own sandboxes, mirrors and work-order folders. */
export function retentionScheduleId(hostId: string): string {
  return `${scheduleIdPrefix}${hostId}`;
}

export interface TriggeredRetention {
  scheduleId: string;
  /** The cleanup run the trigger started; null when it is still waiting behind a running one. */
  workflowId: string | null;
}

/**
 * Runs the host's cleanup now, as the Web UI's "Trigger" does. A run already in progress is not doubled: this one is
 * buffered and starts when that one ends. Throws ScheduleNotFoundError when no worker of that host ever started.
 */
export async function triggerRetention(client: Client, hostId: string, waitForStartMs = 3_000): Promise<TriggeredRetention> {
  const handle = client.schedule.getHandle(retentionScheduleId(hostId));
  const actionsBefore = (await handle.describe()).info.numActionsTaken;
  await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
  const deadline = Date.now() + waitForStartMs;
  do {
    // Counted rather than compared by id: a schedule names its runs by the second, so two runs may share an id.
    const { info } = await handle.describe();
    if (info.numActionsTaken > actionsBefore) return { scheduleId: handle.scheduleId, workflowId: info.recentActions.at(-1)?.action.workflow.workflowId ?? null };
    await sleep(100);
  } while (Date.now() < deadline);
  return { scheduleId: handle.scheduleId, workflowId: null };
}

/** Every host's retention schedule: what an API process, which holds no sandboxes itself, triggers. */
export async function listRetentionScheduleIds(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const schedule of client.schedule.list()) {
    if (schedule.scheduleId.startsWith(scheduleIdPrefix)) ids.push(schedule.scheduleId);
  }
  return ids.sort();
}

/** The host id a schedule id stands for (the reverse of retentionScheduleId). */
export function retentionHostId(scheduleId: string): string {
  return scheduleId.slice(scheduleIdPrefix.length);
}
