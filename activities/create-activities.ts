import type { ActivityDeps } from './activity-deps.js';
import { createCleanupActivity } from './cleanup.activity.js';
import { createPullRequestActivity } from './create-pr.activity.js';
import { createDeliverPromptActivity } from './deliver-prompt.activity.js';
import { createGitObservationActivities } from './git-observation.activities.js';
import { createRunAgentActivity } from './run-agent.activity.js';
import { createSetupActivities } from './setup-sandbox.activity.js';

/** Every activity of the work-order workflow, over the services in `deps`. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSetupActivities(deps),
    ...createRunAgentActivity(deps),
    ...createDeliverPromptActivity(deps),
    ...createGitObservationActivities(deps),
    ...createPullRequestActivity(deps),
    ...createCleanupActivity(deps),
  };
}
