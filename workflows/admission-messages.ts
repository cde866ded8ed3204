import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** One admission controller per shared task queue: the global limit on agents running at once across all workers. */
export function admissionControllerId(sharedTaskQueue: string): string {
  return `awo-admission-${sharedTaskQueue}`;
}

export interface AdmissionRequest {
  agentWorkOrderId: string;
  /** The limit in force when this work order asked; the latest one wins, so a changed setting applies. */
  maxConcurrent: number;
  /** When the work order was submitted: the line is ordered by it, not by which workflow asked first. */
  submittedAt: string;
}

export interface AdmissionQueue {
  maxConcurrent: number;
  /** Work orders holding a slot, in the order they were admitted. */
  admitted: string[];
  /** Work orders waiting, first in line first. */
  waiting: string[];
  /** Submission time of each waiting work order. */
  submittedAt: Record<string, string>;
}

export const admissionRequestSignal = defineSignal<[AdmissionRequest]>('admissionRequest');
/**
 * The same request, answered at once: `granted` when a slot was free and nobody was ahead in line, so the work order
 * needs no grant signal. Otherwise it waits for the signal like one that joined by `admissionRequest`.
 */
export const admissionJoinUpdate = defineUpdate<{ granted: boolean }, [AdmissionRequest]>('admissionJoin');
export const admissionReleaseSignal = defineSignal<[{ agentWorkOrderId: string }]>('admissionRelease');
/** Sent by the controller to a work-order workflow whose turn has come. */
export const admissionGrantedSignal = defineSignal('admissionGranted');
export const admissionQueueQuery = defineQuery<AdmissionQueue>('admissionQueue');

export const admissionControllerWorkflowName = 'admissionControllerWorkflow';
