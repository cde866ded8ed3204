import { BranchPushes } from '../src/git/branch-pushes.js';
import type { ActivityDeps } from './activity-deps.js';
import { createCleanupActivity } from './cleanup.activity.js';
import { createPullRequestActivity } from './create-pr.activity.js';
import { createPlanFileActivities } from './plan-file.activities.js';
import { createDeliverPromptActivity } from './deliver-prompt.activity.js';
import { createGitObservationActivities } from './git-observation.activities.js';
import { createRunAgentActivity } from './run-agent.activity.js';
import { createSetupActivities } from './setup-sandbox.activity.js';

/** Every activity of the work-order workflow, over the services in `deps`. */
export function createActivities(deps: ActivityDeps) {
  // Shared: the step before create-pr starts the push that createPR then finds done.
  const pushes = new BranchPushes();
  return flushingLogs(deps, {
    ...createSetupActivities(deps),
    ...createRunAgentActivity(deps, pushes),
    ...createDeliverPromptActivity(deps),
    ...createGitObservationActivities(deps),
    ...createPlanFileActivities(deps),
    ...createPullRequestActivity(deps, pushes),
    ...createCleanupActivity(deps),
  });
}

/**
 * An activity completes only after its log entries are written: once the workflow has ended, the API's log stream
 * reads the log one last time and must find everything. A store that refuses them does not fail the activity: the
 * writer logs that and keeps the entries for its next attempt.
 */
function flushingLogs<Activities extends Record<string, (...args: never[]) => Promise<unknown>>>(deps: Pick<ActivityDeps, 'logs'>, activities: Activities): Activities {
  const wrapped = Object.entries(activities).map(([name, activity]) => [
    name,
    async (...args: never[]) => {
      try {
        return await activity(...args);
      } finally {
        await deps.logs.flush().catch(() => undefined);
      }
    },
  ]);
  return Object.fromEntries(wrapped) as Activities;
}
