import { existsSync } from 'node:fs';
import { WorkflowFailedError } from '@temporalio/client';
import { execa } from 'execa';
import { bashTurn } from '../../fixtures/model-server.js';
import { createBranchRule } from '../../utils/scripted-steps.js';
import { finalState, stepOutcomes, WorkOrderHarness } from '../../utils/work-order-harness.js';
import type { StepHistory } from '../../../src/models/work-order.js';

/** 50 000 input tokens per model call: $0.15 at Sonnet's $3 per million, as Claude Code prices them. */
const expensive = { input_tokens: 50_000, output_tokens: 20 };

describe('budgets on real Temporal, git and Claude Code', () => {
  const harness = new WorkOrderHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  async function steps(handle: { query: <T>(name: string) => Promise<T> }): Promise<StepHistory['steps']> {
    return (await handle.query<StepHistory>('stepHistory')).steps;
  }

  it('stops the agent that passes the cost budget, counting the earlier steps, and keeps the sandbox with its branch', async () => {
    harness.model.setRules([
      { ...createBranchRule('feat/cost'), usage: expensive },
      // Never finishes on its own: the first model call already passes the budget.
      { match: /^# Planning/m, turns: [bashTurn('sleep 60 && touch planned-too-late.txt')], usage: expensive },
    ]);
    const repository = await harness.createRepository('cost-budget');
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'planning', 'commit', 'create-pr'], budget: { max_cost_usd: 0.4 } });

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await finalState(handle);

    expect(state.status).toBe('failed');
    expect(state.error_message).toMatch(/^budget exceeded: cost \$0\.4\d of \$0\.40 in step planning$/);
    expect(await stepOutcomes(handle)).toEqual([
      ['create-branch', true],
      ['planning', false],
    ]);
    const [branchStep, planningStep] = await steps(handle);
    expect(branchStep).toMatchObject({ turns: 2, input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(branchStep!.cost_usd).toBeGreaterThanOrEqual(0.3);
    expect(planningStep).toMatchObject({ turns: 1, error_message: state.error_message });
    expect(planningStep!.cost_usd).toBeGreaterThanOrEqual(0.15);
    // The work order's totals are its steps' sums.
    expect(state.cost_usd).toBeCloseTo(branchStep!.cost_usd! + planningStep!.cost_usd!, 6);
    expect(state.turns).toBe(3);
    expect(state.input_tokens).toBe(branchStep!.input_tokens! + planningStep!.input_tokens!);
    expect(state.input_tokens).toBeGreaterThanOrEqual(150_000);
    expect(state.max_cost_usd).toBe(0.4);
    // Nothing pushed, no pull request; the sandbox stays, on its branch, until retention.
    expect(state.github_pull_request_url).toBeNull();
    const sandbox = harness.sandboxPath(state.agent_work_order_id);
    expect((await execa('git', ['-c', 'safe.directory=*', 'branch', '--show-current'], { cwd: sandbox })).stdout).toBe('feat/cost');
    expect(existsSync(`${sandbox}/planned-too-late.txt`)).toBe(false);
    expect((await execa('git', ['branch', '--list', 'feat/cost'], { cwd: repository.bareDir })).stdout).toBe('');
  });

  it('stops the agent that passes the turns budget', async () => {
    harness.model.setRules([
      createBranchRule('feat/turns'),
      { match: /^# Planning/m, turns: [bashTurn('echo planning > plan.txt'), bashTurn('sleep 60')] },
    ]);
    const repository = await harness.createRepository('turns-budget');
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'planning', 'commit'], budget: { max_turns: 3 } });

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await finalState(handle);

    // create-branch made 2 model calls, planning's first was the 3rd (allowed), its second the 4th.
    expect(state.error_message).toBe('budget exceeded: turns 4 of 3 in step planning');
    expect(state.turns).toBe(4);
    expect((await steps(handle)).map((step) => [step.step, step.turns])).toEqual([
      ['create-branch', 2],
      ['planning', 2],
    ]);
  });

  it('stops the agent when the agents of the work order have run for max_duration_seconds', async () => {
    harness.model.setRules([createBranchRule('feat/duration'), { match: /^# Planning/m, turns: [bashTurn('sleep 120')] }]);
    const repository = await harness.createRepository('duration-budget');
    const startedAt = Date.now();
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'planning', 'commit'], budget: { max_duration_seconds: 20 } });

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const state = await finalState(handle);

    expect(state.error_message).toMatch(/^budget exceeded: duration 2\d s of 20 s in step planning$/);
    expect(state.agent_duration_seconds).toBeGreaterThanOrEqual(20);
    expect(Date.now() - startedAt).toBeLessThan(60_000);
    expect(await stepOutcomes(handle)).toEqual([
      ['create-branch', true],
      ['planning', false],
    ]);
  });
});
