import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import { workOrderWorkflowBundle } from '../../../temporal/worker/workflow-bundle.js';
import { type EndedWorkOrder, promptSignal, workOrderMemoKey } from '../../../workflows/messages.js';
import { awoPhaseKey, awoRepositoryKey, awoStatusKey, awoStepKey } from '../../../workflows/search-attributes.js';
import { FakeWorkOrderWorker } from '../../utils/fake-work-order-worker.js';
import { gate } from '../../utils/scripted-steps.js';
import { waitFor } from '../../utils/work-order-harness.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The commands of each workflow task: the events between its WorkflowTaskCompleted and the next task's. */
function commandsPerWorkflowTask(events: HistoryEvent[]): HistoryEvent[][] {
  const tasks: HistoryEvent[][] = [];
  for (const event of events) {
    if (event.workflowTaskCompletedEventAttributes) tasks.push([]);
    else if (event.workflowTaskScheduledEventAttributes) continue;
    else tasks.at(-1)?.push(event);
  }
  return tasks;
}

/** The patch ids the workflow's patched() calls recorded (marker payloads are JSON `{"id": ...}`). */
const patchIds = (events: HistoryEvent[]) =>
  events.flatMap((event) =>
    (event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []).map((payload) => (JSON.parse(Buffer.from(payload.data ?? []).toString('utf8')) as { id: string }).id),
  );

const upsertedKeys = (event: HistoryEvent) => Object.keys(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});

/** Work orders started with the fast path publish their state once per workflow task. */
describe('fast path', () => {
  const worker = new FakeWorkOrderWorker();

  beforeAll(() => worker.start());
  afterAll(() => worker.stop());
  beforeEach(() => worker.use({}));

  it('writes the memo at most once and only changed search attributes per workflow task, and ends with both current', async () => {
    const handle = await worker.startWorkOrder();
    const result = (await handle.result()) as EndedWorkOrder;
    expect(result).toMatchObject({ status: 'completed', current_phase: 'pr_created', current_step: null });

    const events = (await handle.fetchHistory()).events ?? [];
    expect(patchIds(events)).toEqual(expect.arrayContaining(['awo-fast-path', 'awo-publish-settled']));
    const tasks = commandsPerWorkflowTask(events);
    // With the local prepare, the first task is two activations: before the prepare's result and after it.
    expect(patchIds(events)).toEqual(expect.arrayContaining(['awo-prepared-start', 'awo-local-prepare']));
    for (const [index, commands] of tasks.entries()) {
      const activations = index === 0 ? 2 : 1;
      expect(commands.filter((event) => event.workflowPropertiesModifiedEventAttributes).length).toBeLessThanOrEqual(activations);
      // Patches add TemporalChangeVersion on their own; these are the work order's attributes.
      const upserts = commands.filter((event) => upsertedKeys(event).some((key) => key.startsWith('Awo')));
      expect(upserts.length).toBeLessThanOrEqual(activations);
      // The repository never changes: set at the start, never written again.
      for (const upsert of upserts) expect(upsertedKeys(upsert)).not.toContain(awoRepositoryKey.name);
    }
    // Started pending, ran, completed: each status was written once, never repeated.
    const statusWrites = events.filter((event) => upsertedKeys(event).includes(awoStatusKey.name));
    expect(statusWrites).toHaveLength(2);

    const description = await handle.describe();
    const memo = description.memo?.[workOrderMemoKey] as AgentWorkOrder;
    expect(memo).toMatchObject({ status: 'completed', current_phase: 'pr_created', current_step: null, github_pull_request_url: result.github_pull_request_url });
    expect(description.typedSearchAttributes.get(awoStatusKey)).toBe('completed');
    expect(description.typedSearchAttributes.get(awoPhaseKey)).toBe('pr_created');
    expect(description.typedSearchAttributes.get(awoStepKey)).toBe('none');
    expect(description.typedSearchAttributes.get(awoRepositoryKey)).toBe('https://forge.example/acme/fake');
  });

  it('has the memo and search attributes current while a step runs (published with the task that started it)', async () => {
    const hold = gate();
    worker.use({
      runAgent: async (input) => {
        if (input.step === 'planning') await hold.promise;
        return worker.agentResult(input);
      },
    });
    const handle: WorkflowHandle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'planning'] });
    try {
      await waitFor(async () => ((await handle.describe()).memo?.[workOrderMemoKey] as AgentWorkOrder | undefined)?.current_step === 'planning', 'the planning step in the memo');
      const description = await handle.describe();
      // The step's start and the create-branch step's outcome came in one workflow task: both are in the memo.
      expect(description.memo?.[workOrderMemoKey]).toMatchObject({ status: 'running', current_step: 'planning', git_branch_name: 'feat/fake' });
      expect(description.typedSearchAttributes.get(awoStepKey)).toBe('planning');
      expect(description.typedSearchAttributes.get(awoStatusKey)).toBe('running');
    } finally {
      hold.open();
    }
    expect(await handle.result()).toMatchObject({ status: 'completed' });
  });

  it('publishes a prompt\'s count with the signal\'s own workflow task, while the step it waits behind still runs', async () => {
    const hold = gate();
    worker.use({
      runAgent: async (input) => {
        if (input.step === 'planning') await hold.promise;
        return worker.agentResult(input);
      },
      // Not taken by the running agent: the prompt stays queued for a turn of its own.
      deliverPrompt: async () => undefined,
    });
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'planning'] });
    const memo = async () => (await handle.describe()).memo?.[workOrderMemoKey] as AgentWorkOrder | undefined;
    try {
      await waitFor(async () => (await memo())?.current_step === 'planning', 'the planning step in the memo');
      await handle.signal(promptSignal, { prompt_id: 'p-1', prompt_text: 'Also update the README' });
      await waitFor(async () => (await memo())?.pending_prompts === 1, 'the prompt count in the memo');
      expect(await memo()).toMatchObject({ status: 'running', current_step: 'planning', pending_prompts: 1 });
      expect(patchIds((await handle.fetchHistory()).events ?? [])).toContain('awo-prompt-count-published');
    } finally {
      hold.open();
    }
    expect(await handle.result()).toMatchObject({ status: 'completed', pending_prompts: 0 });
  });

  it('replays its own history', async () => {
    const handle = await worker.startWorkOrder({ selectedCommands: ['create-branch', 'commit'] });
    await handle.result();
    await expect(Worker.runReplayHistory({ workflowBundle: await workOrderWorkflowBundle() }, await handle.fetchHistory(), handle.workflowId)).resolves.toBeUndefined();
  });
});
