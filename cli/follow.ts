import type { AgentWorkOrder, ApiClient, StepRecord } from '../client/index.js';
import { CliError } from './cli-errors.js';
import { seconds, stepLine } from './format.js';

const endedStatuses = new Set(['completed', 'failed', 'cancelled']);
const pollIntervalMs = 1_000;

export interface FollowOptions {
  /** Where the checklist goes; nothing is written when null (--json prints only the end state). */
  out: NodeJS.WriteStream | null;
  pollIntervalMs?: number;
}

/**
 * Follows a work order to its end as a checklist: each finished step with its duration, the running one redrawn in
 * place on a terminal. Resolves with the final state when it completed; throws a CliError with its error otherwise.
 */
export async function followWorkOrder(api: ApiClient, workOrderId: string, options: FollowOptions): Promise<{ workOrder: AgentWorkOrder; steps: StepRecord[] }> {
  const out = options.out;
  const live = out?.isTTY === true;
  let printed = 0;
  let announced: string | null = null;
  let runningLine = false;
  let toldApproval = false;
  const clearRunning = () => {
    if (runningLine) out!.write('\r\x1b[2K');
    runningLine = false;
  };

  const printFinished = (steps: StepRecord[]) => {
    if (!out) return;
    for (; printed < steps.length; printed += 1) {
      clearRunning();
      out.write(`${stepLine(steps[printed]!)}\n`);
    }
  };

  for (;;) {
    const [workOrder, history] = await Promise.all([api.getWorkOrder(workOrderId), api.stepHistory(workOrderId)]);
    let steps = history.steps;
    printFinished(steps);
    if (out) {
      const current = workOrder.status === 'running' ? workOrder.current_step : null;
      if (current && live) {
        clearRunning();
        const startedAt = Date.parse(steps.at(-1)?.timestamp ?? workOrder.created_at);
        out.write(`  … ${current.padEnd(14)} ${seconds(Math.max(0, (Date.now() - startedAt) / 1000)).padStart(7)}`);
        runningLine = true;
      } else if (current && current !== announced) {
        out.write(`  … ${current}\n`);
      }
      announced = current;
    }
    if (out && workOrder.status === 'waiting_for_approval' && !toldApproval) {
      clearRunning();
      out.write(`  ? plan waiting for approval: awo show ${workOrderId}, then awo approve|edit-plan|reject ${workOrderId}\n`);
      toldApproval = true;
    }
    if (endedStatuses.has(workOrder.status)) {
      // Both were read at once: the history may predate the ending the state already shows, so read it once more.
      steps = (await api.stepHistory(workOrderId)).steps;
      printFinished(steps);
      if (out) clearRunning();
      if (workOrder.status === 'completed') return { workOrder, steps };
      throw new CliError(`work order ${workOrderId} ${workOrder.status}${workOrder.error_message ? `: ${workOrder.error_message.split('\n')[0]}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? pollIntervalMs));
  }
}
