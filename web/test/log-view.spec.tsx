/** @jest-environment jsdom */
import { fireEvent, render, screen, within } from '@testing-library/react';
import type { WorkOrderLogEntry } from '../../client/index.js';
import { LogView } from '../src/components/log-view.js';

const entry = (level: WorkOrderLogEntry['level'], step: string | null, event: string, extra: Record<string, unknown> = {}): WorkOrderLogEntry => ({
  timestamp: '2026-01-01T10:20:30Z',
  level,
  step,
  event,
  agent_work_order_id: 'wo-1a2b3c4d',
  ...extra,
});

describe('log view', () => {
  const entries = [
    entry('debug', 'planning', 'agent_stream_read'),
    entry('info', 'planning', 'agent_step_started', { model: 'sonnet' }),
    entry('warn', 'execute', 'agent_retry_scheduled'),
    entry('error', 'execute', 'agent_step_failed', { error: 'timed out' }),
  ];
  const lines = () => within(screen.getByLabelText('Log lines')).queryAllByText(/^agent_/).map((line) => line.textContent);

  it('hides debug lines by default and filters by level and by step', () => {
    render(<LogView entries={entries} ended={false} />);
    expect(lines()).toEqual(['agent_step_started', 'agent_retry_scheduled', 'agent_step_failed']);
    expect(screen.getByText('model=sonnet')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Level'), { target: { value: 'warn' } });
    expect(lines()).toEqual(['agent_retry_scheduled', 'agent_step_failed']);
    fireEvent.change(screen.getByLabelText('Level'), { target: { value: 'debug' } });
    fireEvent.change(screen.getByLabelText('Step'), { target: { value: 'planning' } });
    expect(lines()).toEqual(['agent_stream_read', 'agent_step_started']);
    expect(screen.getByRole('status').textContent).toContain('live · 2 of 4 lines');
  });

  it('says when the stream has ended', () => {
    render(<LogView entries={[]} ended />);
    expect(screen.getByRole('status').textContent).toContain('stream ended');
    expect(screen.getByText('No log lines yet.')).toBeTruthy();
  });
});
