import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { createAdmissionActivities } from '../activities/admission.activities.js';
import {
  admissionGrantedSignal,
  admissionJoinUpdate,
  type AdmissionQueue,
  admissionQueueQuery,
  admissionReleaseSignal,
  type AdmissionRequest,
  admissionRequestSignal,
} from './admission-messages.js';

const { listOpenWorkOrders } = proxyActivities<ReturnType<typeof createAdmissionActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/** How often admitted work orders are checked for having ended without releasing (e.g. terminated by an operator). */
const leakCheckInterval = '60 seconds';

/**
 * A FIFO semaphore for the whole deployment: work orders ask for a slot, wait `pending` until granted, and give it
 * back when they end. Its state lives in its own history, so a worker crash never loses or leaks a slot.
 */
export async function admissionControllerWorkflow(initial: AdmissionQueue): Promise<void> {
  const queue: AdmissionQueue = {
    maxConcurrent: initial.maxConcurrent,
    admitted: [...initial.admitted],
    waiting: [...initial.waiting],
    submittedAt: { ...initial.submittedAt },
  };

  const join = ({ agentWorkOrderId, maxConcurrent, submittedAt }: AdmissionRequest) => {
    queue.maxConcurrent = maxConcurrent;
    // A retried request (activities are at-least-once) must not take a second place in line.
    if (queue.admitted.includes(agentWorkOrderId) || queue.waiting.includes(agentWorkOrderId)) return;
    queue.submittedAt[agentWorkOrderId] = submittedAt;
    const later = queue.waiting.findIndex((id) => (queue.submittedAt[id] ?? '') > submittedAt);
    queue.waiting.splice(later === -1 ? queue.waiting.length : later, 0, agentWorkOrderId);
  };
  setHandler(admissionRequestSignal, join);
  setHandler(admissionJoinUpdate, (request) => {
    join(request);
    const id = request.agentWorkOrderId;
    if (queue.waiting[0] === id && queue.admitted.length < queue.maxConcurrent) {
      queue.waiting.shift();
      delete queue.submittedAt[id];
      queue.admitted.push(id);
    }
    // Asked again (a retried local activity): the answer it missed.
    return { granted: queue.admitted.includes(id) };
  });
  setHandler(admissionReleaseSignal, ({ agentWorkOrderId }) => {
    queue.admitted = queue.admitted.filter((id) => id !== agentWorkOrderId);
    queue.waiting = queue.waiting.filter((id) => id !== agentWorkOrderId);
    delete queue.submittedAt[agentWorkOrderId];
  });
  setHandler(admissionQueueQuery, () => queue);

  const canGrant = () => queue.waiting.length > 0 && queue.admitted.length < queue.maxConcurrent;
  for (;;) {
    while (canGrant()) {
      const next = queue.waiting.shift()!;
      delete queue.submittedAt[next];
      queue.admitted.push(next);
      try {
        await getExternalWorkflowHandle(next).signal(admissionGrantedSignal);
      } catch {
        // The work order ended while it waited: its slot goes to the next in line.
        queue.admitted = queue.admitted.filter((id) => id !== next);
      }
    }
    setCurrentDetails(`${queue.admitted.length}/${queue.maxConcurrent} running, ${queue.waiting.length} waiting`);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof admissionControllerWorkflow>(queue);
    }
    if (queue.admitted.length === 0) {
      await condition(canGrant);
      continue;
    }
    const changed = await condition(canGrant, leakCheckInterval);
    if (!changed && queue.admitted.length > 0) {
      const open = new Set(await listOpenWorkOrders({ agentWorkOrderIds: queue.admitted }));
      queue.admitted = queue.admitted.filter((id) => open.has(id));
    }
  }
}
