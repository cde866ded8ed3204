/** What a push put on the forge. */
export interface PushedTip {
  branchName: string;
  tip: string;
}

/** Pushes `tip` to the branch; `lease`: the tip the forge's branch must still have (an earlier push of ours). */
export type PushRun = (lease: string | undefined) => Promise<void>;

interface WorkOrderPushes {
  /** Settles when the last push asked for has; pushes of one work order run one after the other. */
  queue: Promise<void>;
  /** The branch and tip the last successful push left on the forge. */
  confirmed: PushedTip | null;
  touchedAt: number;
}

// An entry outlives its work order only when createPR never came (a failed step): dropped after this long.
const entryLifetimeMs = 60 * 60_000;

/**
 * The pushes of each work order's branch made by this worker, in its memory only: the step before `create-pr` starts
 * pushing as soon as its agent's turn ends, and `createPR` then finds the push done (or in flight) instead of making it.
 * A push is made only when the forge does not have that tip from an earlier one; after an earlier push of ours, the
 * new tip is pushed with a lease on the old one, so a commit amended since (by a queued prompt) replaces it, and
 * nothing else does. A failed push is forgotten: the next one is made as if it never ran. A restarted worker knows of
 * no push and pushes as before.
 */
export class BranchPushes {
  private readonly byWorkOrder = new Map<string, WorkOrderPushes>();

  /**
   * Resolves once the forge has `tip` on `branchName` from a push of this worker (this one or an earlier one); rejects
   * with the push's error. `run` is called only when a push is needed, after every earlier push has settled.
   */
  push(agentWorkOrderId: string, pushed: PushedTip, run: PushRun): Promise<void> {
    const now = Date.now();
    this.dropOld(now);
    const entry = this.byWorkOrder.get(agentWorkOrderId) ?? { queue: Promise.resolve(), confirmed: null, touchedAt: now };
    entry.touchedAt = now;
    this.byWorkOrder.set(agentWorkOrderId, entry);
    const done = entry.queue.then(async () => {
      const confirmed = entry.confirmed;
      if (confirmed?.branchName === pushed.branchName && confirmed.tip === pushed.tip) return;
      await run(confirmed?.branchName === pushed.branchName ? confirmed.tip : undefined);
      entry.confirmed = { ...pushed };
    });
    entry.queue = done.catch(() => undefined);
    return done;
  }

  private dropOld(now: number): void {
    for (const [agentWorkOrderId, entry] of this.byWorkOrder) {
      if (now - entry.touchedAt > entryLifetimeMs) this.byWorkOrder.delete(agentWorkOrderId);
    }
  }
}
