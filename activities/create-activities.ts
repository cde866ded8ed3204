import { BranchPushes } from '../src/git/branch-pushes.js';
import { TurnEndReadings } from '../src/git/turn-end-readings.js';
import { ExitingAgents } from '../src/agent/exiting-agents.js';
import type { ActivityDeps } from './activity-deps.js';
import { createCleanupActivity } from './cleanup.activity.js';
import { createPullRequestActivity } from './create-pr.activity.js';
import { createPlanFileActivities } from './plan-file.activities.js';
import { createDeliverPromptActivity } from './deliver-prompt.activity.js';
import { createGitObservationActivities } from './git-observation.activities.js';
import { createRunAgentActivity } from './run-agent.activity.js';
import { createSetupActivities } from './setup-sandbox.activity.js';
import { flushingLogs } from './flushing-logs.js';

/** Every activity of the work-order workflow, over the services in `deps`. */
export function createActivities(deps: ActivityDeps) {
  // Shared: the step before create-pr starts the push that createPR then finds done, and keeps what it read of the
  // sandbox for createPR.
  const pushes = new BranchPushes();
  const readings = new TurnEndReadings();
  // Shared too: the step before create-pr may open the pull request with createPR's own code.
  const pullRequests = createPullRequestActivity(deps, pushes, readings);
  // Shared: a step returns at its agent's turn end, and the next step or the cleanup waits for that CLI to be gone.
  const exits = new ExitingAgents();
  return flushingLogs(deps, {
    ...createSetupActivities(deps),
    ...createRunAgentActivity(deps, pushes, readings, pullRequests.createPR, exits),
    ...createDeliverPromptActivity(deps),
    ...createGitObservationActivities(deps),
    ...createPlanFileActivities(deps),
    ...pullRequests,
    ...createCleanupActivity(deps, exits),
  });
}
