import type { WorkOrderStep } from '../../../client/index.js';
import { stepOrder } from '../workflow-presets.js';

/** A custom, ordered choice of steps: the order is the one work orders run them in. */
export function StepPicker({ value, onChange, describedBy }: { value: readonly WorkOrderStep[]; onChange(steps: WorkOrderStep[]): void; describedBy?: string }) {
  return (
    <div className="step-picker" role="group" aria-label="Steps" aria-describedby={describedBy}>
      {stepOrder.map((step, index) => (
        <label key={step} className="check">
          <input
            type="checkbox"
            checked={value.includes(step)}
            onChange={(event) => onChange(stepOrder.filter((candidate) => (candidate === step ? event.target.checked : value.includes(candidate))))}
          />
          {index + 1}. {step}
        </label>
      ))}
    </div>
  );
}
