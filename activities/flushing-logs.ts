import type { ActivityDeps } from './activity-deps.js';

/** The activity every work order ends with (its `finally`), whatever happened before it. */
const endingActivities = new Set(['cleanup']);

/**
 * Once the workflow has ended, the API's log stream reads the log one last time and must find everything. An activity
 * that fails may be the last one, and the work order's closing activity is; both complete only after the log store
 * has the entries. Every other activity returns at once: the writer stores its entries within its batch delay, and
 * waiting for that store cost each step 5-13 ms between one agent and the next. A store that refuses entries does
 * not fail the activity: the writer logs that and keeps them for its next attempt.
 */
export function flushingLogs<Activities extends Record<string, (...args: never[]) => Promise<unknown>>>(deps: Pick<ActivityDeps, 'logs'>, activities: Activities): Activities {
  const wrapped = Object.entries(activities).map(([name, activity]) => [
    name,
    async (...args: never[]) => {
      let result: unknown;
      try {
        result = await activity(...args);
      } catch (error) {
        await deps.logs.flush().catch(() => undefined);
        throw error;
      }
      if (endingActivities.has(name)) await deps.logs.flush().catch(() => undefined);
      return result;
    },
  ]);
  return Object.fromEntries(wrapped) as Activities;
}
