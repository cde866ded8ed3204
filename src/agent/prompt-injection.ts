import type { RunningAgent } from './agent-types.js';
import type { PromptInbox } from '../artifacts/prompt-inbox.js';

const pollIntervalMs = 250;

/**
 * While an agent step runs, prompts posted to its inbox are written into the running agent. A prompt the agent no
 * longer takes (its last turn ended) stays in the inbox, and the workflow gives it a turn of its own instead.
 */
export function startPromptInjection(options: {
  inbox: PromptInbox;
  agentWorkOrderId: string;
  stepIndex: number;
  agent: RunningAgent;
  onInjected: (promptId: string) => void;
  onError: (error: unknown) => void;
}): { stop(): Promise<void> } {
  let stopped = false;
  let polling: Promise<void> = Promise.resolve();
  const poll = async () => {
    for (const prompt of await options.inbox.waiting(options.agentWorkOrderId, options.stepIndex)) {
      if (stopped || !options.agent.injectPrompt(prompt.prompt_id, prompt.prompt_text)) return;
      await options.inbox.markTaken(options.agentWorkOrderId, options.stepIndex, prompt.prompt_id);
      options.onInjected(prompt.prompt_id);
    }
  };
  const timer = setInterval(() => {
    polling = polling.then(() => (stopped ? undefined : poll())).catch(options.onError);
  }, pollIntervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await polling;
    },
  };
}
