import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { WorkOrderArtifacts } from '../../../src/artifacts/work-order-artifacts.js';
import { FileLogStore } from '../../../src/logs/file-log-store.js';
import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import type { StepHistory } from '../../../workflows/messages.js';
import { bashTurn, textTurn } from '../../fixtures/model-server.js';
import { commitRule, createBranchRule, gate, planningRule } from '../../utils/scripted-steps.js';
import { finalState, waitFor, WorkOrderHarness } from '../../utils/work-order-harness.js';

describe('talking to a running work order', () => {
  const harness = new WorkOrderHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('delivers a prompt sent mid-run to the same agent session and records it in the step history', async () => {
    const hold = gate();
    harness.model.setRules([
      createBranchRule('feat/prompted', { holdUntil: hold.promise }),
      { match: /zebra-42/, turns: [bashTurn('echo "- zebra-42" > CHANGELOG.md'), textTurn('Added the changelog entry')] },
      commitRule('docs: add changelog entry'),
    ]);
    const repository = await harness.createRepository('prompted');
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'commit', 'create-pr'] });
    await waitFor(() => harness.model.sawText('# Create Branch'), 'the create-branch step to reach the model');

    await handle.signal('prompt', { prompt_text: 'Please also add a CHANGELOG entry zebra-42', prompt_id: 'prompt-1' });
    const queued = await handle.query<AgentWorkOrder>('workOrderState');
    expect(queued.pending_prompts).toBe(1);
    hold.open();
    const result = (await handle.result()) as AgentWorkOrder;

    expect(result.status).toBe('completed');
    expect(harness.model.sawText('zebra-42')).toBe(true);
    const promptRequest = harness.model.requests.find((request) => JSON.stringify(request.messages ?? []).includes('zebra-42'));
    // The prompt continued the create-branch session: its conversation is part of the request.
    expect(JSON.stringify(promptRequest?.messages)).toContain('# Create Branch');
    const history = await handle.query<StepHistory>('stepHistory');
    expect(history.steps.map((step) => step.step)).toEqual(['create-branch', 'user-prompt', 'commit', 'create-pr']);
    const promptStep = history.steps[1]!;
    expect(promptStep).toMatchObject({ success: true, prompt_text: 'Please also add a CHANGELOG entry zebra-42', session_id: history.steps[0]!.session_id });
    const commits = await harness.forge.branchCommits('acme', 'prompted', 'feat/prompted', 'main');
    expect(commits.map((commit) => commit.subject)).toEqual(['docs: add changelog entry']);
  });

  it('writes a prompt sent while the agent works into the running step, without a run of its own', async () => {
    harness.model.setRules([
      { match: /^# Create Branch/m, turns: [bashTurn('sleep 3 && git checkout -q -b feat/live'), textTurn('feat/live')] },
      { match: /okapi-live/, turns: [bashTurn('echo okapi > OKAPI.md'), textTurn('Added OKAPI.md')] },
      commitRule('docs: add okapi'),
    ]);
    const repository = await harness.createRepository('live-prompt');
    const logs = new FileLogStore(harness.config.workOrderDir);
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'commit', 'create-pr'] });
    const events = async () => (await logs.readAll(handle.workflowId)).map((entry) => entry.event);
    await waitFor(async () => (await events()).includes('agent_tool_used'), 'the agent to be inside its first tool call');

    await handle.signal('prompt', { prompt_text: 'While you are at it, okapi-live: add OKAPI.md', prompt_id: 'prompt-live' });
    const result = (await handle.result()) as AgentWorkOrder;

    expect(result.status).toBe('completed');
    const log = await events();
    expect(log).toEqual(expect.arrayContaining(['agent_prompt_injected', 'agent_prompt_delivered']));
    // One agent run per step: the prompt was answered inside create-branch, not by a further run.
    expect(log.filter((event) => event === 'agent_step_started')).toHaveLength(2);
    const history = await handle.query<StepHistory>('stepHistory');
    expect(history.steps.map((step) => step.step)).toEqual(['create-branch', 'user-prompt', 'commit', 'create-pr']);
    expect(history.steps[1]).toMatchObject({ delivered_during: 'create-branch', prompt_text: 'While you are at it, okapi-live: add OKAPI.md', session_id: history.steps[0]!.session_id });
    const pulls = harness.forge.pullRequests('acme', 'live-prompt');
    expect(pulls).toHaveLength(1);
    const commits = await harness.forge.branchCommits('acme', 'live-prompt', 'feat/live', 'main');
    expect(commits.map((commit) => commit.subject)).toEqual(['docs: add okapi']);
    expect(result.git_files_changed).toBe(1);
  });

  it('cancels a running work order: the agent process group is killed and the sandbox removed', async () => {
    const hold = gate();
    harness.model.setRules([createBranchRule('feat/cancel-me'), planningRule('PRPs/plan.md', { holdUntil: hold.promise })]);
    const repository = await harness.createRepository('cancelled');
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'planning', 'commit', 'create-pr'] });
    const artifacts = new WorkOrderArtifacts(harness.config.workOrderDir);
    await waitFor(() => harness.model.sawText('# Planning'), 'the planning step to reach the model');
    const pid = Number((await waitFor(() => readFile(artifacts.agentPidFile(handle.workflowId), 'utf8').catch(() => ''), 'the agent pid file')).split(' ')[0]);
    expect(isAlive(pid)).toBe(true);

    await handle.cancel();

    const failure = await handle.result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const state = await finalState(handle);
    expect(state.status).toBe('cancelled');
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(harness.sandboxPath(handle.workflowId))).toBe(false);
    expect(harness.forge.pullRequests('acme', 'cancelled')).toHaveLength(0);
    const events = (await new FileLogStore(harness.config.workOrderDir).readAll(handle.workflowId)).map((entry) => entry.event);
    expect(events).toEqual(expect.arrayContaining(['agent_step_cancelled', 'workflow_work_order_cancelled']));
    hold.open();
  });

  it('reuses the repository mirror for a second work order instead of cloning again', async () => {
    const repository = await harness.createRepository('mirrored');
    const logs = new FileLogStore(harness.config.workOrderDir);
    const runPlanOnly = async (branch: string) => {
      harness.model.setRules([createBranchRule(branch), planningRule()]);
      const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'planning'] });
      expect(((await handle.result()) as AgentWorkOrder).status).toBe('completed');
      return (await logs.readAll(handle.workflowId)).map((entry) => entry.event);
    };

    const firstEvents = await runPlanOnly('feat/first');
    const mirrorPath = path.join(harness.config.repositoryDir, new URL(harness.forge.url).host.replace(':', '_'), 'acme', 'mirrored.git');
    const marker = path.join(mirrorPath, 'awo-test-marker');
    await writeFile(marker, 'kept');
    const secondEvents = await runPlanOnly('feat/second');

    expect(firstEvents).toContain('sandbox_mirror_cloned');
    expect(secondEvents).toContain('sandbox_mirror_fetched');
    expect(secondEvents).not.toContain('sandbox_mirror_cloned');
    expect(existsSync(marker)).toBe(true);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
