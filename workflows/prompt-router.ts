import { condition, setHandler } from '@temporalio/workflow';
import { pendingPromptsQuery, promptSignal, type PromptSignalPayload } from './messages.js';
import type { WorkOrderRecord } from './work-order-record.js';

/**
 * Where a user prompt goes: while an agent step runs it is posted into that step (the agent takes it after its
 * current tool call); one the agent did not take stays queued and runs as a turn of its own between steps.
 */
export class PromptRouter {
  private readonly pending: PromptSignalPayload[] = [];
  /** Prompts already posted into the running step's inbox (taken or not, they are not posted again to that step). */
  private readonly posted = new Set<string>();

  constructor(private readonly record: WorkOrderRecord) {
    setHandler(promptSignal, (prompt) => {
      this.pending.push(prompt);
      record.setPendingPrompts(this.pending.length);
    });
    setHandler(pendingPromptsQuery, () => this.pending);
  }

  get queued(): number {
    return this.pending.length;
  }

  /** Posts every new prompt into step `stepIndex` until `isRunning` turns false. */
  async postWhile(isRunning: () => boolean, post: (prompt: PromptSignalPayload) => Promise<void>): Promise<void> {
    for (;;) {
      await condition(() => !isRunning() || this.pending.some((prompt) => !this.posted.has(prompt.prompt_id)));
      if (!isRunning()) return;
      for (const prompt of this.pending.filter((candidate) => !this.posted.has(candidate.prompt_id))) {
        this.posted.add(prompt.prompt_id);
        await post(prompt);
      }
    }
  }

  /** After a step: removes the prompts its agent took and returns them; the rest may be posted to the next step. */
  takeDelivered(deliveredPromptIds: string[]): PromptSignalPayload[] {
    const delivered = new Set(deliveredPromptIds);
    const taken = this.pending.filter((candidate) => delivered.has(candidate.prompt_id));
    this.pending.splice(0, this.pending.length, ...this.pending.filter((candidate) => !delivered.has(candidate.prompt_id)));
    for (const prompt of this.pending) this.posted.delete(prompt.prompt_id);
    return taken;
  }

  /** The next queued prompt, removed from the queue. */
  next(): PromptSignalPayload | undefined {
    const prompt = this.pending.shift();
    this.record.setPendingPrompts(this.pending.length);
    return prompt;
  }
}
