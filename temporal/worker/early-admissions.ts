/** How long the answer of a join begun by the API waits for its work order's prepare to take it. */
const untakenMs = 60_000;

export interface AdmissionJoinInput {
  agentWorkOrderId: string;
  submittedAt: string;
}

export interface AdmissionJoinAnswer {
  controllerId: string;
  granted: boolean;
}

type Join = (input: AdmissionJoinInput) => Promise<AdmissionJoinAnswer>;

/**
 * Admission joins begun by the API of this process (`npm start`: API and worker in one) as soon as it has started a
 * work order, instead of in the work order's first workflow task some 30 ms later: the controller's answer, which took
 * as long as the sandbox's setup, is then mostly in when the prepare asks for it. The prepare on this process takes the
 * answer; any other (another host, a retry, a restarted worker) joins itself, and the controller answers that with the
 * same place in line.
 */
export class EarlyAdmissions {
  private join: Join | null = null;
  private readonly begun = new Map<string, { answer: Promise<AdmissionJoinAnswer>; timer: NodeJS.Timeout }>();

  /** The worker's own join at the controller, given when its activities are made (again after a restart). */
  attach(join: Join): void {
    this.join = join;
  }

  /** Called once the work order's workflow has started: a join that fails is left to the prepare's own. */
  begin(input: AdmissionJoinInput): void {
    if (!this.join || this.begun.has(input.agentWorkOrderId)) return;
    const answer = this.join(input);
    answer.catch(() => undefined);
    const timer = setTimeout(() => this.begun.delete(input.agentWorkOrderId), untakenMs);
    timer.unref();
    this.begun.set(input.agentWorkOrderId, { answer, timer });
  }

  /** The answer of the join begun here for this work order, given once; null when none was begun here. */
  take(agentWorkOrderId: string): Promise<AdmissionJoinAnswer> | null {
    const begun = this.begun.get(agentWorkOrderId);
    if (!begun) return null;
    this.begun.delete(agentWorkOrderId);
    clearTimeout(begun.timer);
    return begun.answer;
  }
}
