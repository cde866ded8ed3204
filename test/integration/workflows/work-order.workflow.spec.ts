import { existsSync } from 'node:fs';
import { WorkflowFailedError } from '@temporalio/client';
import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import type { StepHistory } from '../../../workflows/messages.js';
import { createBranchRule, happyPathRules, writeAndCommitRule } from '../../utils/scripted-steps.js';
import { finalState, stepOutcomes, waitFor, WorkOrderHarness } from '../../utils/work-order-harness.js';

describe('work-order workflow on real Temporal, git, Claude Code and a test forge', () => {
  const harness = new WorkOrderHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('runs create-branch, planning, commit and create-pr to one pull request on the default branch', async () => {
    harness.model.setRules(happyPathRules('feat/demo'));
    const repository = await harness.createRepository('happy');
    const handle = await harness.startWorkOrder({
      repositoryUrl: repository.htmlUrl,
      selectedCommands: ['create-branch', 'planning', 'commit', 'create-pr'],
    });

    const result = (await handle.result()) as AgentWorkOrder;

    expect(result.status).toBe('completed');
    expect(result.git_branch_name).toBe('feat/demo');
    expect(result.git_commit_count).toBe(1);
    expect(result.git_files_changed).toBe(1);
    expect(result.current_phase).toBe('pr_created');
    const pulls = harness.forge.pullRequests('acme', 'happy');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ headBranch: 'feat/demo', baseBranch: 'main', title: 'feat: add the demo plan' });
    expect(result.github_pull_request_url).toBe(pulls[0]!.htmlUrl);
    expect(await harness.forge.branches('acme', 'happy')).toContain('feat/demo');
    const commits = await harness.forge.branchCommits('acme', 'happy', 'feat/demo', 'main');
    expect(commits.map((commit) => commit.subject)).toEqual(['feat: add the demo plan']);

    expect(await stepOutcomes(handle)).toEqual([
      ['create-branch', true],
      ['planning', true],
      ['commit', true],
      ['create-pr', true],
    ]);
    const history = await handle.query<StepHistory>('stepHistory');
    expect(history.steps[0]!.session_id).toMatch(/[0-9a-f-]{36}/);
    expect(existsSync(harness.sandboxPath(result.agent_work_order_id))).toBe(false);

    // Visibility is eventually consistent: the search attribute filter must find the work order once indexed.
    const listed = await waitFor(async () => {
      const ids: string[] = [];
      for await (const execution of harness.client.workflow.list({ query: `WorkflowId = "${result.agent_work_order_id}" AND AwoStatus = "completed"` })) {
        ids.push(execution.workflowId);
      }
      return ids.length > 0 ? ids : null;
    }, 'the completed work order in visibility', 10_000);
    expect(listed).toEqual([result.agent_work_order_id]);
  });

  it('fails on the first attempt with the remote\'s answer when the repository does not exist', async () => {
    const handle = await harness.startWorkOrder({ repositoryUrl: `${harness.forge.url}/acme/never-created`, selectedCommands: ['planning'] });

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await finalState(handle);

    expect(state.status).toBe('failed');
    expect(state.error_message).toMatch(/cannot fetch .*\/acme\/never-created\.git: .*not found/i);
    // One try, inside the first workflow task (the local prepare), and no activity to retry it.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toHaveLength(1);
    expect(events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'prepareWorkOrder')).toEqual([]);
  });

  it('starts from the repository real default branch when it is not main', async () => {
    harness.model.setRules([createBranchRule('feat/on-trunk'), writeAndCommitRule('work.txt', 'feat: change on trunk')]);
    const repository = await harness.createRepository('trunky', 'trunk');
    const handle = await harness.startWorkOrder({
      repositoryUrl: repository.htmlUrl,
      selectedCommands: ['create-branch', 'commit', 'create-pr'],
      sandboxType: 'git_branch',
    });

    const result = (await handle.result()) as AgentWorkOrder;

    expect(result.status).toBe('completed');
    const pulls = harness.forge.pullRequests('acme', 'trunky');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ headBranch: 'feat/on-trunk', baseBranch: 'trunk' });
    const commits = await harness.forge.branchCommits('acme', 'trunky', 'feat/on-trunk', 'trunk');
    expect(commits).toHaveLength(1);
  });

  it('fails the work order naming the step and the agent error when the model answers with an error', async () => {
    harness.model.setRules([
      createBranchRule('feat/broken'),
      { match: /^# Planning/m, turns: [{ httpError: { status: 400, message: 'scripted planning failure' } }] },
    ]);
    const repository = await harness.createRepository('broken');
    const handle = await harness.startWorkOrder({
      repositoryUrl: repository.htmlUrl,
      selectedCommands: ['create-branch', 'planning', 'commit', 'create-pr'],
    });

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await finalState(handle);

    expect(state.status).toBe('failed');
    expect(state.error_message).toMatch(/^step planning failed: .*scripted planning failure/);
    expect(harness.forge.pullRequests('acme', 'broken')).toHaveLength(0);
    expect(await stepOutcomes(handle)).toEqual([
      ['create-branch', true],
      ['planning', false],
    ]);
    expect(existsSync(harness.sandboxPath(state.agent_work_order_id))).toBe(false);
  });

  it('gives the agent the linked issue and closes it from the pull request', async () => {
    harness.model.setRules(happyPathRules('feat/issue-7'));
    const repository = await harness.createRepository('issued');
    const issueNumber = harness.forge.addIssue('acme', 'issued', { title: 'Login button is missing', body: 'Steps: open the page, no button (quokka-7).' });
    const handle = await harness.startWorkOrder({
      repositoryUrl: repository.htmlUrl,
      selectedCommands: ['create-branch', 'planning', 'execute', 'commit', 'create-pr'],
      githubIssueNumber: issueNumber,
    });

    const result = (await handle.result()) as AgentWorkOrder;

    expect(result.status).toBe('completed');
    expect(result.github_issue_number).toBe(issueNumber);
    expect(harness.model.sawText('Login button is missing')).toBe(true);
    expect(harness.model.sawText('quokka-7')).toBe(true);
    const [pull] = harness.forge.pullRequests('acme', 'issued');
    expect(pull!.body).toContain(`Closes #${issueNumber}`);
    expect(result.git_files_changed).toBe(2);
  });

  it('fails with a clear message before any work when the sandbox type is not implemented', async () => {
    const repository = await harness.createRepository('e2b');
    const modelRequestsBefore = harness.model.requests.length;
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['planning'], sandboxType: 'e2b' });

    const state = await finalState(handle);

    expect(state.status).toBe('failed');
    expect(state.error_message).toMatch(/sandbox_type "e2b" is not implemented/);
    expect(harness.model.requests).toHaveLength(modelRequestsBefore);
  });
});
