import { WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import { readAdmissionQueue, queuePositionOf } from '../../../temporal/client/admission-queue-reader.js';
import { type AdmissionQueue, admissionControllerId, admissionReleaseSignal } from '../../../workflows/admission-messages.js';
import { createAdmissionActivities } from '../../../activities/admission.activities.js';
import { EarlyPrepares } from '../../../temporal/worker/early-prepares.js';
import { textTurn, writeTurn } from '../../fixtures/model-server.js';
import { gate } from '../../utils/scripted-steps.js';
import { finalState, waitFor, WorkOrderHarness } from '../../utils/work-order-harness.js';

describe('admission control across the deployment', () => {
  const harness = new WorkOrderHarness({ env: { AWO_MAX_CONCURRENT: '2' } });

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('runs at most two agents at once, admits in FIFO order, and frees slots of cancelled and failed work orders', async () => {
    const hold = gate();
    harness.model.setRules([
      { match: /^# Planning[\s\S]*request-D/m, turns: [{ httpError: { status: 400, message: 'scripted failure for D' } }] },
      { match: /^# Planning/m, turns: [{ ...writeTurn('PRPs/plan.md', '# Plan\n'), holdUntil: hold.promise }, textTurn('planned')] },
    ]);
    const repository = await harness.createRepository('admission');
    const handles = new Map<string, WorkflowHandle>();
    const submit = async (name: string) => {
      handles.set(name, await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, userRequest: `Plan request-${name}`, selectedCommands: ['planning'] }));
    };
    const idOf = (name: string) => handles.get(name)!.workflowId;
    const controller = harness.client.workflow.getHandle(admissionControllerId(harness.taskQueue));
    const admissionQueue = () => controller.query<AdmissionQueue>('admissionQueue');
    await submit('A');
    await submit('B');
    await waitFor(async () => harness.model.activeRequests === 2, 'two agents to be running');
    // C, D and E race to the controller; the line still follows submission order.
    for (const name of ['C', 'D', 'E']) await submit(name);
    await waitFor(async () => (await admissionQueue()).waiting.length === 3, 'three work orders to wait in line');

    const queue = await admissionQueue();
    // Both found a free slot, so either may have been admitted first.
    expect([...queue.admitted].sort()).toEqual([idOf('A'), idOf('B')].sort());
    expect(queue.waiting).toEqual([idOf('C'), idOf('D'), idOf('E')]);
    const waitingState = await handles.get('C')!.query<AgentWorkOrder>('workOrderState');
    expect(waitingState.status).toBe('pending');
    // The API reports the same positions through this reader.
    const line = await readAdmissionQueue(harness.client, harness.taskQueue);
    expect(['A', 'C', 'D', 'E'].map((name) => queuePositionOf(line, idOf(name)))).toEqual([null, 1, 2, 3]);

    await handles.get('A')!.cancel();
    await waitFor(async () => (await admissionQueue()).admitted.includes(idOf('C')), 'C to take the cancelled work order slot');
    expect((await admissionQueue()).waiting).toEqual([idOf('D'), idOf('E')]);

    hold.open();
    const states = Object.fromEntries(await Promise.all([...handles].map(async ([name, handle]) => [name, (await finalState(handle)).status] as const)));

    expect(states).toEqual({ A: 'cancelled', B: 'completed', C: 'completed', D: 'failed', E: 'completed' });
    expect(harness.model.maxConcurrent).toBe(2);
    const firstRequestOf = (name: string) => harness.model.requests.findIndex((request) => JSON.stringify(request.messages ?? []).includes(`request-${name}`));
    const startOrder = ['A', 'B', 'C', 'D', 'E'].sort((left, right) => firstRequestOf(left) - firstRequestOf(right));
    // A and B were admitted together, so either may reach the model first; the waiting line went strictly in order.
    expect(startOrder.slice(0, 2).sort()).toEqual(['A', 'B']);
    expect(startOrder.slice(2)).toEqual(['C', 'D', 'E']);
    await waitFor(async () => {
      const drained = await admissionQueue();
      return drained.admitted.length === 0 && drained.waiting.length === 0;
    }, 'every slot to be released');
  });

  it('a join begun when the work order started is the one its prepare gets: one place in line, no second join', async () => {
    const early = new EarlyPrepares();
    const activities = createAdmissionActivities({
      client: harness.client,
      sharedTaskQueue: harness.taskQueue,
      maxConcurrent: async () => 2,
      isWorkOrderOpen: async () => true,
      early,
    });
    const controller = harness.client.workflow.getHandle(admissionControllerId(harness.taskQueue));
    const joinsBefore = await joinUpdatesOf(controller);

    early.begin(
      { agentWorkOrderId: 'wo-ea000001', submittedAt: new Date().toISOString(), repositoryUrl: 'https://github.com/acme/app', sandboxType: 'git_worktree', issueNumber: null },
      { eagerly: false },
    );
    await waitFor(async () => (await joinUpdatesOf(controller)) - joinsBefore === 1, 'the join begun at the start to reach the controller');
    const answer = await activities.joinAdmission({ agentWorkOrderId: 'wo-ea000001', submittedAt: new Date().toISOString() });

    expect(answer).toEqual({ controllerId: admissionControllerId(harness.taskQueue), granted: true });
    expect((await joinUpdatesOf(controller)) - joinsBefore).toBe(1);
    expect((await controller.query<AdmissionQueue>('admissionQueue')).admitted.filter((id) => id === 'wo-ea000001')).toHaveLength(1);
    // Taken once: a retried prepare joins itself, and the controller answers with the same place.
    expect(early.takeJoin('wo-ea000001')).toBeNull();
    await expect(activities.joinAdmission({ agentWorkOrderId: 'wo-ea000001', submittedAt: new Date().toISOString() })).resolves.toMatchObject({ granted: true });
    expect((await joinUpdatesOf(controller)) - joinsBefore).toBe(2);
    await controller.signal(admissionReleaseSignal, { agentWorkOrderId: 'wo-ea000001' });
    await waitFor(async () => !(await controller.query<AdmissionQueue>('admissionQueue')).admitted.includes('wo-ea000001'), 'the slot to be released');
  });
});

const grpcNotFound = 5;

/** Admission joins the controller's current run has taken by update. */
async function joinUpdatesOf(controller: WorkflowHandle): Promise<number> {
  const history = await controller.fetchHistory().catch((error: unknown) => {
    // Not started yet: the first join starts it.
    if (error instanceof WorkflowNotFoundError || (error as { code?: number }).code === grpcNotFound) return { events: [] };
    throw error;
  });
  return (history.events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'admissionJoin').length;
}
