import { WorkflowFailedError } from '@temporalio/client';
import { bashTurn } from '../../fixtures/model-server.js';
import { createBranchRule } from '../../utils/scripted-steps.js';
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
});
