import type { WorkOrderStep } from '../../../client/index.js';
import { moveStep, toggleStep } from '../step-order.js';
import { stepOrder } from '../workflow-presets.js';

/**
 * A custom, ordered choice of steps: the chosen steps, in the order the work order runs them (each can move up or
 * down), then the steps left out. A step checked later joins at the end.
 */
export function StepPicker({ value, onChange, describedBy }: { value: readonly WorkOrderStep[]; onChange(steps: WorkOrderStep[]): void; describedBy?: string }) {
  const unchosen = stepOrder.filter((step) => !value.includes(step));
  return (
    <ol className="step-picker" aria-label="Steps, in the order they run" aria-describedby={describedBy}>
      {value.map((step, index) => (
        <li key={step} className="chosen">
          <label className="check">
            <input type="checkbox" checked onChange={() => onChange(toggleStep(value, step))} />
            {index + 1}. {step}
          </label>
          <button type="button" aria-label={`Move ${step} earlier`} disabled={index === 0} onClick={() => onChange(moveStep(value, index, -1))}>
            ↑
          </button>
          <button type="button" aria-label={`Move ${step} later`} disabled={index === value.length - 1} onClick={() => onChange(moveStep(value, index, 1))}>
            ↓
          </button>
        </li>
      ))}
      {unchosen.map((step) => (
        <li key={step} className="unchosen">
          <label className="check">
            <input type="checkbox" checked={false} onChange={() => onChange(toggleStep(value, step))} />
            {step}
          </label>
        </li>
      ))}
    </ol>
  );
}
