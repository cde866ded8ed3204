import type { ActivityDeps } from './activity-deps.js';
import type { DeliverPromptInput } from './activity-types.js';

export function createDeliverPromptActivity(deps: ActivityDeps) {
  return {
    /** Hands a prompt to the agent step running on this host; the step writes it into the agent if still running. */
    async deliverPrompt(input: DeliverPromptInput): Promise<void> {
      await deps.promptInbox.post(input.agentWorkOrderId, input.stepIndex, { prompt_id: input.promptId, prompt_text: input.promptText });
    },
  };
}
