import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import { FileLogStore } from '../../../src/logs/file-log-store.js';
import { bashTurn, textTurn } from '../../fixtures/model-server.js';
import { createBranchRule, executeRule, happyPathRules, planningRule } from '../../utils/scripted-steps.js';
import { waitFor, WorkOrderHarness } from '../../utils/work-order-harness.js';
import { scheduledActivities } from '../../utils/workflow-history.js';

describe('early push of the pull request\'s branch (real Temporal, git, Claude Code and a test forge)', () => {
  const harness = new WorkOrderHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('pushes the commit step\'s branch when its turn ends and opens the pull request on exactly that commit in the same activity, without reading git again', async () => {
    harness.model.setRules(happyPathRules('feat/early'));
    const repository = await harness.createRepository('early');
    const handle = await harness.startWorkOrder({
      repositoryUrl: repository.htmlUrl,
      selectedCommands: ['create-branch', 'planning', 'execute', 'commit', 'create-pr'],
    });

    const result = (await handle.result()) as AgentWorkOrder;

    expect(result.status).toBe('completed');
    const [commit, ...others] = await harness.forge.branchCommits('acme', 'early', 'feat/early', 'main');
    expect(others).toEqual([]);
    expect(commit?.subject).toBe('feat: add the demo plan');
    const pulls = harness.forge.pullRequests('acme', 'early');
    expect(pulls.map((pull) => [pull.headBranch, pull.headSha])).toEqual([['feat/early', commit!.sha]]);
    // One push reached the forge, the commit step's: createPR found it done.
    expect(harness.forge.pushCount('acme', 'early')).toBe(1);
    const entries = await new FileLogStore(harness.config.workOrderDir).readAll(handle.workflowId);
    // ... and opened the pull request on what the commit step read of the sandbox when its turn ended.
    expect(entries.filter((entry) => entry.event === 'github_branch_pushed').map((entry) => [entry.step, entry.branch, entry.pushed_by_step, entry.read_by_step])).toEqual([
      ['create-pr', 'feat/early', true, true],
    ]);
    expect(pulls).toEqual([expect.objectContaining({ title: 'feat: add the demo plan' })]);
    // The commit step opened it: no createPR activity after the last agent, and the step is recorded all the same.
    expect(await scheduledActivities(handle)).not.toContain('createPR');
    expect(result.github_pull_request_url).toBe(pulls[0]!.htmlUrl);
    expect(entries.filter((entry) => entry.event === 'github_pull_request_opened').map((entry) => entry.step)).toEqual(['create-pr']);
  });

  it('pushes the commit as soon as the tool that made it returns, while the agent still writes its last words', async () => {
    const repository = await harness.createRepository('early-tool');
    // The commit step's last turn waits for the branch to be on the forge: only a push made before the turn's result lets it go on.
    const onForgeBeforeResult = waitFor(async () => (await harness.forge.branches('acme', 'early-tool')).includes('feat/tool'), 'the branch on the forge before the result', 30_000);
    const commitRule = {
      match: /^# Commit/m,
      turns: [bashTurn('git add -A && git commit -q -m "feat: pushed early"'), { ...textTurn('feat: pushed early'), holdUntil: onForgeBeforeResult.then(() => undefined, () => undefined) }],
    };
    harness.model.setRules([createBranchRule('feat/tool'), planningRule(), executeRule(), commitRule]);
    const handle = await harness.startWorkOrder({
      repositoryUrl: repository.htmlUrl,
      selectedCommands: ['create-branch', 'planning', 'execute', 'commit', 'create-pr'],
    });

    await expect(onForgeBeforeResult).resolves.toBe(true);
    const result = (await handle.result()) as AgentWorkOrder;
    expect(result.status).toBe('completed');
    const [commit] = await harness.forge.branchCommits('acme', 'early-tool', 'feat/tool', 'main');
    expect(commit?.subject).toBe('feat: pushed early');
    expect(harness.forge.pullRequests('acme', 'early-tool').map((pull) => pull.headSha)).toEqual([commit!.sha]);
    // The result's own push found that tip there: one pack reached the forge.
    expect(harness.forge.pushCount('acme', 'early-tool')).toBe(1);
  });
});
