import type { ActivityDeps } from '../../../activities/activity-deps.js';
import type { RunAgentInput } from '../../../activities/activity-types.js';
import { createRunAgentActivity } from '../../../activities/run-agent.activity.js';
import { BranchPushes } from '../../../src/git/branch-pushes.js';
import { TurnEndReadings } from '../../../src/git/turn-end-readings.js';

describe('runAgent and the reading kept for createPR', () => {
  it('forgets what the step before read of the sandbox as its first act, even when it then fails', async () => {
    const readings = new TurnEndReadings();
    readings.keep('wo-0a1b2c3d', {
      evidence: { branchName: 'feat/x', headSha: 'a'.repeat(40), commitCount: 1, filesChanged: 1, latestCommitMessage: 'feat: x', uncommittedFiles: 0 },
      commitSubjects: ['feat: x'],
      baseCommits: ['b'.repeat(40)],
    });
    const { runAgent } = createRunAgentActivity({} as ActivityDeps, new BranchPushes(), readings);

    // Outside an activity it fails at once (no activity context): a queued prompt's step may amend the pushed commit,
    // so createPR must not open the pull request on the earlier reading whatever this step then does.
    await expect(runAgent({ agentWorkOrderId: 'wo-0a1b2c3d', step: 'user-prompt' } as RunAgentInput)).rejects.toThrow();

    expect(readings.take('wo-0a1b2c3d')).toBeNull();
  });
});
