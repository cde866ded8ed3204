import type { ActivityDeps } from './activity-deps.js';
import type { CleanupInput } from './activity-types.js';
import { killStaleAgent } from '../src/agent/stale-agent.js';
import { ExitingAgents } from '../src/agent/exiting-agents.js';
import { agentExitWaitMs } from './run-agent.activity.js';
import { workOrderEvent } from './work-order-event.js';

export function createCleanupActivity(deps: ActivityDeps, exits: ExitingAgents = new ExitingAgents()) {
  return {
    /** Removes the sandbox unless asked to keep it (the mirror and the pushed branch stay), and keeps the final state beside the artifacts. */
    async cleanup(input: CleanupInput): Promise<void> {
      // The last step may have returned while its CLI still shuts down in the sandbox.
      await exits.gone(input.agentWorkOrderId, agentExitWaitMs);
      await killStaleAgent(deps.artifacts.agentPidFile(input.agentWorkOrderId));
      if (input.keepSandbox) {
        workOrderEvent(deps, input.agentWorkOrderId, null, 'info', 'sandbox_sandbox_kept', { sandbox_path: deps.sandboxes.sandboxPathFor(input.agentWorkOrderId), reason: input.errorMessage });
      } else {
        await deps.sandboxes.remove(input.agentWorkOrderId, input.mirrorPath);
      }
      await deps.artifacts.saveMetadata(input.agentWorkOrderId, input.finalState);
      workOrderEvent(deps, input.agentWorkOrderId, null, input.status === 'completed' ? 'info' : input.status === 'cancelled' ? 'warn' : 'error', `workflow_work_order_${input.status}`, {
        status: input.status,
        error_message: input.errorMessage,
      });
    },
  };
}
