import type { AgentWorkOrder, StepRecord } from '../../../client/index.js';
import { duration, usageSummary } from '../format.js';
import { phaseRows, type StepState } from '../phase-rows.js';

const stateLabels: Record<StepState, string> = { done: 'done', running: 'running', waiting: 'waiting', failed: 'failed', skipped: 'not run' };
const stepLabels: Record<string, string> = {
  'create-branch': 'Create branch',
  planning: 'Planning',
  execute: 'Implement',
  commit: 'Commit',
  'prp-review': 'Review',
  'create-pr': 'Pull request',
  'user-prompt': 'Your prompt',
};

export function PhaseTracker({ workOrder, history }: { workOrder: AgentWorkOrder; history: StepRecord[] }) {
  const rows = phaseRows(workOrder, history);
  return (
    <ol className="phase-tracker" aria-label="Phases">
      {rows.map((row, index) => (
        <li key={`${row.step}-${index}`} className={`phase phase-${row.state}`} data-state={row.state}>
          <span className="phase-marker" aria-hidden="true" />
          <div className="phase-body">
            <div className="phase-title">
              <strong>{stepLabels[row.step] ?? row.step}</strong>
              <span className="phase-state">{stateLabels[row.state]}</span>
              {row.durationSeconds !== null && <span className="muted">{duration(row.durationSeconds)}</span>}
              {row.usage && <span className="muted step-usage">{usageSummary(row.usage)}</span>}
            </div>
            {row.errorMessage && <p className="phase-error">{row.errorMessage}</p>}
            {row.prompts.map((prompt) => (
              <blockquote key={prompt.timestamp + prompt.text} className="prompt-item">
                <span className="muted">{prompt.deliveredDuring ? `prompt delivered during ${stepLabels[prompt.deliveredDuring] ?? prompt.deliveredDuring}` : 'prompt, as its own turn'}</span>
                <p>{prompt.text}</p>
              </blockquote>
            ))}
          </div>
        </li>
      ))}
    </ol>
  );
}
