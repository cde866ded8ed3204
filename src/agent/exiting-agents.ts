import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Agents of this worker whose step has returned at the turn's result while their CLI still shuts down (see
 * AgentRunRequest.settleAtTurnEnd): the workflow schedules what comes next meanwhile, so the CLI's ~50 ms of shutdown
 * overlap Temporal's round trip instead of adding to it. Whatever next uses the sandbox waits here first, so two agents
 * never share it and no sandbox is removed under a CLI. A worker that restarts has none: the pid file left by a CLI
 * that had not exited yet then has it killed, as for a worker that died mid-step.
 */
export class ExitingAgents {
  private readonly byWorkOrder = new Map<string, Promise<void>>();

  /** `exited` must not reject: it is awaited by whoever comes next. */
  hold(agentWorkOrderId: string, exited: Promise<void>): void {
    const held: Promise<void> = exited.finally(() => {
      if (this.byWorkOrder.get(agentWorkOrderId) === held) this.byWorkOrder.delete(agentWorkOrderId);
    });
    this.byWorkOrder.set(agentWorkOrderId, held);
  }

  /** Resolves once the work order's exiting agent is gone, or after `waitMs` (the caller then kills what is left). */
  async gone(agentWorkOrderId: string, waitMs: number): Promise<void> {
    const held = this.byWorkOrder.get(agentWorkOrderId);
    if (!held) return;
    const timeout = new AbortController();
    await Promise.race([held, sleep(waitMs, undefined, { signal: timeout.signal }).catch(() => undefined)]);
    timeout.abort();
  }
}
