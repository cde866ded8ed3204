import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SetupSandboxInput } from '../../../activities/activity-types.js';
import type { EndedWorkOrder } from '../../../workflows/messages.js';
import { FakeWorkOrderWorker } from '../../utils/fake-work-order-worker.js';
import { historyEvents, scheduledActivities } from '../../utils/workflow-history.js';

/** Work orders started with the local prepare: admission, sandbox and issue inside the first workflow task. */
describe('local prepare', () => {
  const worker = new FakeWorkOrderWorker();

  beforeAll(() => worker.start());
  afterAll(() => worker.stop());
  beforeEach(() => worker.use({}));

  const localActivityMarkers = async (handle: WorkflowHandle) => (await historyEvents(handle)).filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
  const setupsOf = (handle: WorkflowHandle) => worker.callsOf('setupSandbox').filter((input) => (input as SetupSandboxInput).agentWorkOrderId === handle.workflowId);

  it('prepares within the first workflow task, which also schedules the first agent', async () => {
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit', 'create-pr'] });
    const result = (await handle.result()) as EndedWorkOrder;
    expect(result).toMatchObject({ status: 'completed', sandbox_identifier: `/fake/work-orders/${handle.workflowId}/sandbox` });

    expect(await scheduledActivities(handle)).toEqual(['runAgent', 'runAgent', 'cleanup']);
    expect(await localActivityMarkers(handle)).toBe(1);
    const events = await historyEvents(handle);
    const firstTaskCompleted = events.findIndex((event) => event.workflowTaskCompletedEventAttributes);
    const firstAgentScheduled = events.findIndex((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'runAgent');
    // Between the first task's completion and the first agent: only that task's own commands (markers, attributes).
    expect(events.slice(firstTaskCompleted + 1, firstAgentScheduled).filter((event) => event.workflowTaskScheduledEventAttributes)).toEqual([]);
  });

  it('gives way to the activity when the try outlasts its limit (a cold clone), which reuses what the try made', async () => {
    worker.use({
      setupSandbox: async (input) => {
        await sleep(1500);
        return worker.sandbox(input);
      },
    });
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch'] });
    const result = (await handle.result()) as EndedWorkOrder;

    expect(result.status).toBe('completed');
    expect(await scheduledActivities(handle)).toEqual(['prepareWorkOrder', 'runAgent', 'cleanup']);
    expect(setupsOf(handle)).toHaveLength(2);
  });

  it('gives way to the activity and its retries when the try fails in a way a retry may mend', async () => {
    let attempts = 0;
    worker.use({
      setupSandbox: async (input) => {
        attempts += 1;
        if (attempts === 1) throw new Error('the forge did not answer');
        return worker.sandbox(input);
      },
    });
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch'] });
    const result = (await handle.result()) as EndedWorkOrder;

    expect(result.status).toBe('completed');
    expect(await scheduledActivities(handle)).toEqual(['prepareWorkOrder', 'runAgent', 'cleanup']);
  });

  it('fails the work order at once on what no retry can mend, with the try\'s own error', async () => {
    worker.use({
      setupSandbox: async () => {
        throw ApplicationFailure.nonRetryable('cannot fetch https://forge.example/acme/fake.git: repository not found', 'RepositoryUnavailableError');
      },
    });
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch'] });
    await expect(handle.result()).rejects.toThrow();

    const { memo } = await handle.describe();
    expect(JSON.stringify(memo)).toContain('repository not found');
    expect(await scheduledActivities(handle)).not.toContain('prepareWorkOrder');
    expect(setupsOf(handle)).toHaveLength(1);
  });
});
