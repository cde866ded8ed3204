import { condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import type { WorkOrderInput } from '../src/models/work-order.js';
import { admissionGrantedSignal, admissionReleaseSignal } from './admission-messages.js';
import { sharedActivities, sharedLocalActivities } from './work-order-activities.js';

/** This work order's place at the admission controller: asked for, waited on, and given back on every ending. */
export class AdmissionSlot {
  private granted = false;
  private controllerId: string | null = null;

  constructor() {
    setHandler(admissionGrantedSignal, () => {
      this.granted = true;
    });
  }

  async acquire(input: WorkOrderInput, lean: boolean): Promise<void> {
    const request = { agentWorkOrderId: input.agentWorkOrderId, submittedAt: input.createdAt };
    if (lean) {
      const joined = await sharedLocalActivities.joinAdmission(request);
      this.controllerId = joined.controllerId;
      if (joined.granted) this.granted = true;
    } else {
      ({ controllerId: this.controllerId } = await sharedActivities.requestAdmission(request));
    }
    await this.waitForGrant();
  }

  /**
   * The line is joined by an activity that does more (see prepared-start.ts): the controller is known before it
   * answers, so a work order that fails after joining still gives its place back.
   */
  joinsAt(controllerId: string): void {
    this.controllerId = controllerId;
  }

  /** The controller's answer to a join made by an activity. */
  joined(answer: { controllerId: string; granted: boolean }): void {
    this.controllerId = answer.controllerId;
    if (answer.granted) this.granted = true;
  }

  waitForGrant(): Promise<void> {
    return condition(() => this.granted);
  }

  /** Also when the slot was never granted, so the work order leaves the line. Call in a non-cancellable scope. */
  async release(input: WorkOrderInput): Promise<void> {
    if (!this.controllerId) return;
    await getExternalWorkflowHandle(this.controllerId)
      .signal(admissionReleaseSignal, { agentWorkOrderId: input.agentWorkOrderId })
      .catch(() => undefined);
  }
}
