/** @jest-environment jsdom */
import { render, screen, within } from '@testing-library/react';
import type { AgentWorkOrder, StepRecord } from '../../client/index.js';
import { PhaseTracker } from '../src/components/phase-tracker.js';
import { budgetSummary, usageSummary } from '../src/format.js';
import { phaseRows } from '../src/phase-rows.js';

const record = (step: StepRecord['step'], timestamp: string, extra: Partial<StepRecord> = {}): StepRecord => ({
  step,
  agent_name: 'claude',
  success: true,
  output: null,
  error_message: null,
  duration_seconds: 12.5,
  session_id: null,
  timestamp,
  ...extra,
});

const workOrder = (overrides: Partial<AgentWorkOrder>): AgentWorkOrder =>
  ({ selected_commands: ['create-branch', 'planning', 'execute', 'commit', 'create-pr'], current_step: 'execute', status: 'running', ...overrides }) as AgentWorkOrder;

describe('phase tracker', () => {
  it('shows done, running and waiting steps in order, with durations and a prompt under the step it was delivered during', () => {
    const history = [
      record('create-branch', '2026-01-01T00:00:01Z', { duration_seconds: 1.2 }),
      record('planning', '2026-01-01T00:00:30Z', { duration_seconds: 28 }),
      record('user-prompt', '2026-01-01T00:00:40Z', { prompt_text: 'also add a test', delivered_during: 'execute' }),
    ];
    render(<PhaseTracker workOrder={workOrder({})} history={history} />);
    const items = within(screen.getByRole('list', { name: 'Phases' })).getAllByRole('listitem');
    expect(items.map((item) => item.getAttribute('data-state'))).toEqual(['done', 'done', 'running', 'waiting', 'waiting']);
    expect(items[0]!.textContent).toContain('1.2 s');
    expect(items[1]!.textContent).toContain('28 s');
    expect(items[2]!.textContent).toContain('also add a test');
    expect(items[2]!.textContent).toContain('prompt delivered during Implement');
  });

  it('marks the failed step with its error, later steps not run, and places a prompt turn of its own after the step before it', () => {
    const history = [
      record('create-branch', '2026-01-01T00:00:01Z'),
      record('user-prompt', '2026-01-01T00:00:05Z', { prompt_text: 'use main as base' }),
      record('planning', '2026-01-01T00:00:30Z', { success: false, error_message: 'agent timed out' }),
    ];
    const rows = phaseRows(workOrder({ status: 'failed', current_step: 'planning' }), history);
    expect(rows.map((row) => [row.step, row.state])).toEqual([
      ['create-branch', 'done'],
      ['user-prompt', 'done'],
      ['planning', 'failed'],
      ['execute', 'skipped'],
      ['commit', 'skipped'],
      ['create-pr', 'skipped'],
    ]);
    expect(rows[2]!.errorMessage).toBe('agent timed out');
    expect(rows[1]!.prompts[0]!.text).toBe('use main as base');
  });

  it('shows what each step\'s agent used, and nothing for steps recorded before usage was kept', () => {
    const history = [
      record('create-branch', '2026-01-01T00:00:01Z', { cost_usd: 0.3006, turns: 2, input_tokens: 100_000, output_tokens: 40 }),
      record('planning', '2026-01-01T00:00:30Z', { cost_usd: 0.15, turns: 1, input_tokens: 50_000, output_tokens: 20, success: false, error_message: 'budget exceeded: cost $0.45 of $0.40 in step planning' }),
    ];
    render(<PhaseTracker workOrder={workOrder({ status: 'failed', current_step: null })} history={[record('execute', '2026-01-01T00:00:00Z'), ...history]} />);
    const items = within(screen.getByRole('list', { name: 'Phases' })).getAllByRole('listitem');
    expect(items[0]!.textContent).toContain('$0.30 · 2 turns · 100,000 in / 40 out tokens');
    expect(items[1]!.textContent).toContain('$0.15 · 1 turn · 50,000 in / 20 out tokens');
    expect(items[1]!.textContent).toContain('budget exceeded: cost $0.45 of $0.40 in step planning');
    expect(items[2]!.querySelector('.step-usage')).toBeNull();
  });

  it('sums up a budget, or says there is none', () => {
    expect(budgetSummary({ max_cost_usd: 5, max_turns: 200, max_duration_seconds: 3600 })).toBe('$5.00 · 200 turns · 1 h 0 min of agent time');
    expect(budgetSummary({ max_cost_usd: null, max_turns: null, max_duration_seconds: null })).toBe('no limit');
    expect(usageSummary({ cost_usd: 0, turns: 0 })).toBe('$0.00 · 0 turns');
  });
});
