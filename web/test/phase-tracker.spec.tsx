/** @jest-environment jsdom */
import { render, screen, within } from '@testing-library/react';
import type { AgentWorkOrder, StepRecord } from '../../client/index.js';
import { PhaseTracker } from '../src/components/phase-tracker.js';
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
});
