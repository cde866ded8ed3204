import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { median } from './bench-helpers.js';

/** One moment in a work order's life: from its history (the server's clock), the agent wrapper, or the bench itself. */
export interface Mark {
  at: number;
  label: string;
}

/**
 * Every moment of one work order in order: POST sent, the history's events (workflow tasks, activities scheduled,
 * picked up and completed), each agent process's spawn and exit, and `completed` seen in GET. The differences between
 * neighbours say where the overhead goes: API, task dispatch, workflow task processing, activity work around the agent.
 */
export async function workOrderMarks(
  client: Client,
  workflowId: string,
  bench: { postedAt: number; visibleAt: number; agents: Array<{ start: number; end: number }> },
): Promise<Mark[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const activityTypes = new Map<string, string>();
  const marks: Mark[] = [{ at: bench.postedAt, label: 'POST sent' }];
  for (const event of history.events ?? []) {
    const at = tsToMs(event.eventTime);
    const id = String(event.eventId);
    if (event.workflowExecutionStartedEventAttributes) marks.push({ at, label: 'workflow started' });
    else if (event.workflowTaskScheduledEventAttributes) marks.push({ at, label: 'workflow task scheduled' });
    else if (event.workflowTaskStartedEventAttributes) marks.push({ at, label: 'workflow task started' });
    else if (event.workflowTaskCompletedEventAttributes) marks.push({ at, label: 'workflow task completed' });
    else if (event.activityTaskScheduledEventAttributes) {
      const type = event.activityTaskScheduledEventAttributes.activityType?.name ?? 'activity';
      activityTypes.set(id, type);
      marks.push({ at, label: `${type} scheduled` });
    } else if (event.activityTaskStartedEventAttributes) {
      marks.push({ at, label: `${activityTypes.get(String(event.activityTaskStartedEventAttributes.scheduledEventId)) ?? 'activity'} picked up` });
    } else if (event.activityTaskCompletedEventAttributes) {
      marks.push({ at, label: `${activityTypes.get(String(event.activityTaskCompletedEventAttributes.scheduledEventId)) ?? 'activity'} completed` });
    } else if (event.markerRecordedEventAttributes) {
      marks.push({ at, label: `marker ${event.markerRecordedEventAttributes.markerName ?? ''}`.trim() });
      marks.push(...localActivityMarks(event.markerRecordedEventAttributes));
    }
    else if (event.workflowExecutionSignaledEventAttributes) marks.push({ at, label: `signal ${event.workflowExecutionSignaledEventAttributes.signalName ?? ''}` });
    else if (event.workflowExecutionUpdateAcceptedEventAttributes) marks.push({ at, label: 'update accepted' });
    else if (event.workflowExecutionCompletedEventAttributes) marks.push({ at, label: 'workflow completed' });
  }
  for (const agent of bench.agents) marks.push({ at: agent.start, label: 'agent spawned' }, { at: agent.end, label: 'agent exited' });
  marks.push({ at: bench.visibleAt, label: 'completed visible in GET' });
  // Stable: events of one instant keep their history order.
  return marks.sort((left, right) => left.at - right.at);
}

type MarkerAttributes = NonNullable<NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number]['markerRecordedEventAttributes']>;

/**
 * A local activity runs inside a workflow task and leaves only a marker at the task's end; the marker's data (JSON from
 * the SDK's core) has when it was scheduled (wall clock), which splits that task's time. Its `complete_time` is the
 * workflow's clock (the task's start), not when it completed, so it is not used.
 */
function localActivityMarks(marker: MarkerAttributes): Mark[] {
  if (marker.markerName !== 'core_local_activity') return [];
  const payload = marker.details?.['data']?.payloads?.[0]?.data;
  if (!payload) return [];
  const data = JSON.parse(Buffer.from(payload).toString('utf8')) as { activity_type?: string; original_schedule_time?: unknown };
  const scheduled = timestampMs(data.original_schedule_time);
  return scheduled === null ? [] : [{ at: scheduled, label: `${data.activity_type ?? 'local activity'} (local) scheduled` }];
}

function timestampMs(value: unknown): number | null {
  if (typeof value === 'string') return Date.parse(value);
  if (value && typeof value === 'object' && 'seconds' in value) {
    const { seconds, nanos } = value as { seconds: number | string; nanos?: number };
    return Number(seconds) * 1000 + (nanos ?? 0) / 1e6;
  }
  return null;
}

/**
 * The median of each step from one mark to the next across runs (steps keyed by their labels and how often the pair
 * occurred before, so the n-th agent's spawn lines up across runs), in the order of the first run.
 */
export function phaseTable(runs: Mark[][]): Array<{ phase: string; seconds: number; runs: number }> {
  const keyed = runs.map((marks) => {
    const seen = new Map<string, number>();
    return marks.slice(1).map((mark, index) => {
      const pair = `${marks[index]!.label} -> ${mark.label}`;
      const occurrence = (seen.get(pair) ?? 0) + 1;
      seen.set(pair, occurrence);
      return { key: occurrence > 1 ? `${pair} (${occurrence})` : pair, seconds: (mark.at - marks[index]!.at) / 1000 };
    });
  });
  const order: string[] = [];
  const values = new Map<string, number[]>();
  for (const phases of keyed) {
    for (const { key, seconds } of phases) {
      if (!values.has(key)) {
        values.set(key, []);
        order.push(key);
      }
      values.get(key)!.push(seconds);
    }
  }
  return order.map((phase) => ({ phase, seconds: median(values.get(phase)!), runs: values.get(phase)!.length }));
}

export function printPhaseTable(title: string, runs: Mark[][]): void {
  const table = phaseTable(runs);
  const width = Math.max(...table.map(({ phase }) => phase.length));
  console.log(`\n${title} (median ms from one mark to the next; [n] = runs that had this step)`);
  for (const { phase, seconds, runs: count } of table) {
    console.log(`  ${phase.padEnd(width)}  ${(seconds * 1000).toFixed(0).padStart(6)} ms${count === runs.length ? '' : `  [${count}]`}`);
  }
}
