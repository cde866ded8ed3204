import type { AgentWorkOrder, StepRecord, WorkOrderStep } from '../../client/index.js';

export type StepState = 'done' | 'running' | 'waiting' | 'failed' | 'skipped';

export interface PromptItem {
  text: string;
  timestamp: string;
  /** The step the prompt was written into; null when it ran as a turn of its own. */
  deliveredDuring: string | null;
  durationSeconds: number | null;
}

export interface PhaseRow {
  step: WorkOrderStep | 'user-prompt';
  state: StepState;
  durationSeconds: number | null;
  /** What the step's agent used (cost, turns, tokens); null for steps without an agent or recorded before usage was kept. */
  usage: Pick<StepRecord, 'cost_usd' | 'turns' | 'input_tokens' | 'output_tokens'> | null;
  errorMessage: string | null;
  prompts: PromptItem[];
}

/**
 * The phase tracker's rows: every selected step in order with its state and duration; a prompt delivered into a
 * running step sits under that step, one that ran as its own turn is a row where it ran.
 */
export function phaseRows(workOrder: Pick<AgentWorkOrder, 'selected_commands' | 'current_step' | 'status'>, history: StepRecord[]): PhaseRow[] {
  const ended = !['pending', 'running'].includes(workOrder.status);
  const stepRecords = history.filter((record) => record.step !== 'user-prompt');
  const rows: PhaseRow[] = workOrder.selected_commands.map((step) => {
    const record = stepRecords.filter((candidate) => candidate.step === step).at(-1);
    let state: StepState;
    if (record) state = record.success ? 'done' : 'failed';
    else if (workOrder.current_step === step && workOrder.status === 'running') state = 'running';
    else state = ended ? 'skipped' : 'waiting';
    return { step, state, durationSeconds: record?.duration_seconds ?? null, usage: usageOf(record), errorMessage: record?.error_message ?? null, prompts: [] };
  });

  for (const record of history.filter((candidate) => candidate.step === 'user-prompt')) {
    const prompt: PromptItem = {
      text: record.prompt_text ?? record.output ?? '',
      timestamp: record.timestamp,
      deliveredDuring: record.delivered_during ?? null,
      durationSeconds: record.delivered_during ? null : record.duration_seconds,
    };
    const host = prompt.deliveredDuring ? rows.find((row) => row.step === prompt.deliveredDuring) : undefined;
    if (host) {
      host.prompts.push(prompt);
      continue;
    }
    // A turn of its own ran after the last step recorded before it ended.
    const finishedBefore = stepRecords.filter((candidate) => candidate.timestamp <= record.timestamp).at(-1);
    let at = finishedBefore ? rows.findIndex((row) => row.step === finishedBefore.step) + 1 : 0;
    while (rows[at]?.step === 'user-prompt') at += 1;
    rows.splice(at, 0, {
      step: 'user-prompt',
      state: record.success ? 'done' : 'failed',
      durationSeconds: record.duration_seconds,
      usage: usageOf(record),
      errorMessage: record.error_message,
      prompts: [prompt],
    });
  }
  return rows;
}

function usageOf(record: StepRecord | undefined): PhaseRow['usage'] {
  return record && record.turns !== undefined ? { cost_usd: record.cost_usd, turns: record.turns, input_tokens: record.input_tokens, output_tokens: record.output_tokens } : null;
}
