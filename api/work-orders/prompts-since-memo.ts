/** Enough for every work order a person prompts while its step runs; the oldest is forgotten first. */
const maxTracked = 10_000;

/**
 * Work orders this API sent a prompt to that their memo may not show yet. Until a memo written after the prompt, a
 * worker is asked. Work orders started since the patch `awo-prompt-count-published` publish the count
 * (`pending_prompts`) with the signal's own workflow task, so that lasts one workflow task, and a prompt sent past this
 * API process (another replica, `temporal workflow signal`) shows as soon; older ones publish it with their next state
 * change.
 */
export class PromptsSinceMemo {
  private readonly sentAt = new Map<string, number>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Call once the prompt's signal is accepted: it is in the history from then on. */
  noteSent(agentWorkOrderId: string): void {
    this.sentAt.delete(agentWorkOrderId);
    this.sentAt.set(agentWorkOrderId, this.now());
    if (this.sentAt.size > maxTracked) this.sentAt.delete(this.sentAt.keys().next().value!);
  }

  /**
   * Whether a memo written at `memoUpdatedAt` (workflow time: the start of the workflow task that wrote it) may lack a
   * prompt sent through this API. A workflow task started after the signal was accepted has seen it.
   */
  mayLackPrompt(agentWorkOrderId: string, memoUpdatedAt: string): boolean {
    const sentAt = this.sentAt.get(agentWorkOrderId);
    if (sentAt === undefined) return false;
    if (Date.parse(memoUpdatedAt) > sentAt) {
      this.sentAt.delete(agentWorkOrderId);
      return false;
    }
    return true;
  }

  forget(agentWorkOrderId: string): void {
    this.sentAt.delete(agentWorkOrderId);
  }
}
