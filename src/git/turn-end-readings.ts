import type { SandboxReading } from './git-evidence.js';

// Only the gap between the step and createPR (milliseconds usually) needs it; an older one is read afresh.
const readingLifetimeMs = 10 * 60_000;

/**
 * What the step right before `create-pr` read of its sandbox when its agent's turn ended cleanly (nothing came after
 * the result, no process of the agent outlived the CLI): the same reading its git observation reports and its early
 * push pushes. Kept in this worker's memory for `createPR`, which then reads no git of its own. Between the two, only
 * another agent step can change the sandbox, and each agent step forgets the reading when it starts. A reading is
 * taken once, so a retried `createPR` reads the sandbox afresh; a restarted worker has none and reads as before.
 */
export class TurnEndReadings {
  private readonly byWorkOrder = new Map<string, { reading: SandboxReading; keptAt: number }>();

  keep(agentWorkOrderId: string, reading: SandboxReading, now = Date.now()): void {
    this.dropOld(now);
    this.byWorkOrder.set(agentWorkOrderId, { reading, keptAt: now });
  }

  forget(agentWorkOrderId: string): void {
    this.byWorkOrder.delete(agentWorkOrderId);
  }

  /** The kept reading, removed; null when none is kept or it is too old to trust. */
  take(agentWorkOrderId: string, now = Date.now()): SandboxReading | null {
    const kept = this.byWorkOrder.get(agentWorkOrderId);
    this.byWorkOrder.delete(agentWorkOrderId);
    return kept && now - kept.keptAt <= readingLifetimeMs ? kept.reading : null;
  }

  private dropOld(now: number): void {
    for (const [agentWorkOrderId, kept] of this.byWorkOrder) {
      if (now - kept.keptAt > readingLifetimeMs) this.byWorkOrder.delete(agentWorkOrderId);
    }
  }
}
