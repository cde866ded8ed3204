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
    await condition(() => this.granted);
  }

  /** Also when the slot was never granted, so the work order leaves the line. Call in a non-cancellable scope. */
  async release(input: WorkOrderInput): Promise<void> {
    if (!this.controllerId) return;
    await getExternalWorkflowHandle(this.controllerId)
      .signal(admissionReleaseSignal, { agentWorkOrderId: input.agentWorkOrderId })
      .catch(() => undefined);
  }
}
