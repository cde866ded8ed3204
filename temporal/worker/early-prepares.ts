import { isDeepStrictEqual } from 'node:util';
import type { PrepareWorkOrderInput, PrepareWorkOrderResult } from '../../activities/activity-types.js';

/** How long what the API began waits for its work order's prepare to take it. */
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
type Prepare = (input: PrepareWorkOrderInput) => Promise<PrepareWorkOrderResult>;

/** Begun work, each handed out once, and dropped when nobody took it in time. */
class TakenOnce<T> {
  private readonly begun = new Map<string, { work: Promise<T>; timer: NodeJS.Timeout }>();

  has(key: string): boolean {
    return this.begun.has(key);
  }

  put(key: string, work: Promise<T>): void {
    work.catch(() => undefined);
    const timer = setTimeout(() => this.begun.delete(key), untakenMs);
    timer.unref();
    this.begun.set(key, { work, timer });
  }

  take(key: string): Promise<T> | null {
    const begun = this.begun.get(key);
    if (!begun) return null;
    this.begun.delete(key);
    clearTimeout(begun.timer);
    return begun.work;
  }
}

/**
 * What a work order's prepare does, begun by the API of this process (`npm start`: API and worker in one) as soon as
 * it has started the work order instead of in the work order's first workflow task some 20-30 ms later.
 *
 * When the start was eager, this process's worker holds that first task, so its prepare runs on this host: the whole
 * prepare (the sandbox on this host, the admission join, the issue) is begun, and the first task's prepare takes it.
 * Otherwise the task may go to another host, and only the admission join (which is the same from every host) is begun.
 * What nobody takes is left (the sandbox then belongs to no running work order here, and retention removes it); what
 * failed is done again by the taker, as a retry would.
 */
export class EarlyPrepares {
  private join: Join | null = null;
  private prepare: Prepare | null = null;
  private readonly joins = new TakenOnce<AdmissionJoinAnswer>();
  private readonly prepares = new TakenOnce<{ input: PrepareWorkOrderInput; result: PrepareWorkOrderResult }>();

  /** The worker's own join at the controller, given when its activities are made (again after a restart). */
  attachJoin(join: Join): void {
    this.join = join;
  }

  /** The worker's own prepare, given like the join. */
  attachPrepare(prepare: Prepare): void {
    this.prepare = prepare;
  }

  /** Called once the work order's workflow has started; `eagerly`: its first workflow task came to this process. */
  begin(input: PrepareWorkOrderInput, started: { eagerly: boolean }): void {
    const id = input.agentWorkOrderId;
    if (this.joins.has(id) || this.prepares.has(id)) return;
    const prepare = this.prepare;
    if (started.eagerly && prepare) {
      this.prepares.put(id, prepare(input).then((result) => ({ input, result })));
      return;
    }
    if (this.join) this.joins.put(id, this.join({ agentWorkOrderId: id, submittedAt: input.submittedAt }));
  }

  /** The answer of the join begun here for this work order, given once; null when none was begun here. */
  takeJoin(agentWorkOrderId: string): Promise<AdmissionJoinAnswer> | null {
    return this.joins.take(agentWorkOrderId);
  }

  /**
   * The prepare begun here for this work order, given once and only for the same input; null when none was begun here.
   * Rejects as the prepare did.
   */
  takePrepare(input: PrepareWorkOrderInput): Promise<PrepareWorkOrderResult> | null {
    const begun = this.prepares.take(input.agentWorkOrderId);
    if (!begun) return null;
    return begun.then((done) => {
      if (!isDeepStrictEqual(done.input, input)) throw new Error(`the prepare begun for ${input.agentWorkOrderId} had another input`);
      return done.result;
    });
  }
}
