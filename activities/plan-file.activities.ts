import { maxPlanLength } from '../src/models/plan-approval.js';
import { openPlanFile, planPathCandidates, readPlanText } from '../src/sandbox/plan-file.js';
import type { ActivityDeps } from './activity-deps.js';
import type { ReadPlanInput, ReadPlanResult, WritePlanInput } from './activity-types.js';
import { workOrderEvent } from './work-order-event.js';

/** The plan a work order waits for approval with, read from and written to the sandbox on the host that holds it. */
export function createPlanFileActivities(deps: ActivityDeps) {
  return {
    /** The plan file the planning step wrote, else its answer as the plan. */
    async readPlan(input: ReadPlanInput): Promise<ReadPlanResult> {
      for (const candidate of planPathCandidates(input.agentWorkOrderId, input.planOutput)) {
        const file = await openPlanFile(input.sandboxPath, candidate, 'read');
        if (!file) continue;
        const planText = await readPlanText(file).finally(() => file.close());
        workOrderEvent(deps, input.agentWorkOrderId, 'planning', 'info', 'plan_file_read', { plan_path: candidate, characters: planText.length });
        return { planText, planPath: candidate };
      }
      workOrderEvent(deps, input.agentWorkOrderId, 'planning', 'info', 'plan_file_missing', { looked_for: planPathCandidates(input.agentWorkOrderId, input.planOutput) });
      return { planText: (input.planOutput ?? '').slice(0, maxPlanLength), planPath: null };
    },

    /**
     * Replaces the plan file's content with the edited plan, so an agent that opens the file reads the plan the person
     * approved. Only an existing file is overwritten: it keeps its owner (the agent's user when the agent is isolated).
     */
    async writePlan(input: WritePlanInput): Promise<void> {
      const file = await openPlanFile(input.sandboxPath, input.planPath, 'rewrite');
      if (!file) return;
      try {
        // Truncated only now: opening with O_TRUNC would empty a file before it was known to be the plan.
        await file.truncate(0);
        await file.write(input.planText, 0);
      } finally {
        await file.close();
      }
      workOrderEvent(deps, input.agentWorkOrderId, 'planning', 'info', 'plan_file_edited', { plan_path: input.planPath, characters: input.planText.length });
    },
  };
}
