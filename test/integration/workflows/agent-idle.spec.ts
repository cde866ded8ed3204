import { WorkflowFailedError } from '@temporalio/client';
import { bashTurn, textTurn, writeTurn } from '../../fixtures/model-server.js';
import { commitRule, createBranchRule } from '../../utils/scripted-steps.js';
import type { StepHistory } from '../../../src/models/work-order.js';
import { finalState, stepOutcomes, WorkOrderHarness } from '../../utils/work-order-harness.js';

describe('hang detection on real Temporal, git and Claude Code', () => {
  const harness = new WorkOrderHarness({ env: { AGENT_IDLE_TIMEOUT: '5' } });

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('stops a planning agent whose tool sleeps silently, resumes its session once, then fails the work order', async () => {
    harness.model.setRules([
      createBranchRule('feat/idle'),
      { match: /^# Planning/m, turns: [bashTurn('sleep 300')] },
      // The resumed session gets the continuation prompt, and hangs again.
      { match: /made no progress/, turns: [bashTurn('sleep 301')] },
    ]);
    const repository = await harness.createRepository('idle');
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'planning', 'commit'] });

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await finalState(handle);

    expect(state.status).toBe('failed');
    expect(state.error_message).toBe('step planning failed: the agent made no progress for 5 s');
    expect(harness.model.sawText('made no progress (no output, no CPU use) for 5 s')).toBe(true);
    expect(await stepOutcomes(handle)).toEqual([
      ['create-branch', true],
      ['planning', false],
    ]);
  });

  it('resumes a planning agent that hung once in the same session, and the work order completes', async () => {
    harness.model.setRules([
      createBranchRule('feat/idle-once'),
      { match: /^# Planning/m, turns: [bashTurn('sleep 300')] },
      // The resumed session gets the continuation prompt and does the work this time.
      { match: /made no progress/, turns: [writeTurn('PRPs/plan.md', '# Plan\n'), textTurn('Plan written after the hang')] },
      commitRule('docs: plan after a hang'),
    ]);
    const repository = await harness.createRepository('idle-once');
    const requestsBefore = harness.model.requests.length;
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'planning', 'commit'] });

    const result = await handle.result();

    expect(result.status).toBe('completed');
    expect(await stepOutcomes(handle)).toEqual([
      ['create-branch', true],
      ['planning', true],
      ['commit', true],
    ]);
    const planning = (await handle.query<StepHistory>('stepHistory')).steps[1]!;
    expect(planning.output).toBe('Plan written after the hang');
    // Same session: the continuation prompt arrives after the step's own prompt, not in a fresh conversation.
    const resumed = harness.model.requests.slice(requestsBefore).find((request) => JSON.stringify(request.messages).includes('made no progress'));
    const conversation = JSON.stringify(resumed?.messages);
    expect(conversation).toContain('# Planning');
    expect(conversation.indexOf('# Planning')).toBeLessThan(conversation.indexOf('made no progress'));
    expect(result.git_commit_count).toBe(1);
  });

  it('lets a busy but quiet planning agent (CPU growing, no output) run past the idle timeout', async () => {
    harness.model.setRules([
      createBranchRule('feat/busy'),
      // About 8 s of pure CPU without output: longer than the 5 s idle timeout.
      { match: /^# Planning/m, turns: [bashTurn('end=$((SECONDS+8)); while [ $SECONDS -lt $end ]; do :; done; echo busy > busy.txt'), textTurn('Busy plan done')] },
    ]);
    const repository = await harness.createRepository('busy');
    const requestsBefore = harness.model.requests.length;
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'planning'] });

    const result = await handle.result();

    expect(result.status).toBe('completed');
    expect(await stepOutcomes(handle)).toEqual([
      ['create-branch', true],
      ['planning', true],
    ]);
    // Never stopped as hung: no continuation prompt reached the model.
    expect(JSON.stringify(harness.model.requests.slice(requestsBefore))).not.toContain('made no progress');
  });
});
