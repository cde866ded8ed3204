/** @jest-environment jsdom */
import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import type { WorkOrderStep } from '../../client/index.js';
import { StepPicker } from '../src/components/step-picker.js';
import { moveStep, toggleStep } from '../src/step-order.js';

function Picker({ initial, seen }: { initial: WorkOrderStep[]; seen: WorkOrderStep[][] }) {
  const [steps, setSteps] = useState(initial);
  return (
    <StepPicker
      value={steps}
      onChange={(next) => {
        seen.push(next);
        setSteps(next);
      }}
    />
  );
}

describe('custom step order', () => {
  it('moves a chosen step earlier and later, and numbers the steps in the order they run', () => {
    const seen: WorkOrderStep[][] = [];
    render(<Picker initial={['create-branch', 'planning', 'commit']} seen={seen} />);
    fireEvent.click(screen.getByRole('button', { name: 'Move commit earlier' }));
    expect(seen.at(-1)).toEqual(['create-branch', 'commit', 'planning']);
    expect((screen.getByLabelText('2. commit') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Move create-branch later' }));
    expect(seen.at(-1)).toEqual(['commit', 'create-branch', 'planning']);
    expect((screen.getByRole('button', { name: 'Move commit earlier' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Move planning later' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('appends a step checked later and drops an unchecked one, keeping the rest in order', () => {
    const seen: WorkOrderStep[][] = [];
    render(<Picker initial={['planning', 'commit']} seen={seen} />);
    fireEvent.click(screen.getByLabelText('execute'));
    expect(seen.at(-1)).toEqual(['planning', 'commit', 'execute']);
    fireEvent.click(screen.getByLabelText('1. planning'));
    expect(seen.at(-1)).toEqual(['commit', 'execute']);
  });

  it('leaves the order alone for a move past either end', () => {
    expect(moveStep(['planning', 'commit'], 0, -1)).toEqual(['planning', 'commit']);
    expect(moveStep(['planning', 'commit'], 1, 1)).toEqual(['planning', 'commit']);
    expect(toggleStep([], 'create-pr')).toEqual(['create-pr']);
  });
});
