import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  type Client,
  type QueryDefinition,
  type SignalDefinition,
  type UpdateDefinition,
  type WorkflowExecutionInfo,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, TemporalFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { AppConfig } from '../../src/config.js';
import { nextTurn, rowsPerSlice } from '../../src/event-loop-slices.js';
import { type AgentWorkOrder, type StepRecord, type WorkOrderInput, type WorkOrderStatus, workOrderInputSchema } from '../../src/models/work-order.js';
import { readAdmissionQueue } from '../../temporal/client/admission-queue-reader.js';
import { startWorkOrder } from '../../temporal/client/work-order-starter.js';
import { type AdmissionQueue, admissionControllerId, admissionQueueQuery } from '../../workflows/admission-messages.js';
import { workOrderWorkflowName } from '../../workflows/messages.js';
import { WorkOrderNotFoundError } from '../core/api-errors.js';
import { APP_CONFIG, EARLY_PREPARES, TEMPORAL_CLIENT, WORK_ORDER_STARTER } from '../core/api-tokens.js';
import type { EarlyPrepares } from '../../temporal/worker/early-prepares.js';
import { prepareInputOf } from '../../workflows/prepare-input.js';
import { isDeadline, isTemporalUnavailable, temporalUnavailable } from './temporal-errors.js';
import { type HistoryPage, HistoryWatches, type RunRef } from './history-watches.js';
import { isOpenExecution } from '../../temporal/client/work-order-status.js';

/** What both describe() and a visibility list give about an execution (the memo included). */
export type ExecutionSummary = Pick<
  WorkflowExecutionInfo,
  'workflowId' | 'runId' | 'type' | 'taskQueue' | 'status' | 'startTime' | 'closeTime' | 'typedSearchAttributes' | 'memo' | 'historyLength'
>;

/** What a closed work order left as its result or failure details (EndedWorkOrder); older histories lack the steps. */
export type FinalRecord = AgentWorkOrder & { steps?: StepRecord[]; latest_commit_message?: string | null };

/**
 * A query goes to a worker; when none answers in this time, callers fall back to what the server itself knows (the
 * memo the workflow publishes with every state change). A GET may ask twice (the work order, then the admission
 * line), so a busy worker costs a reader at most twice this: 5 s each made a GET take 10 s under the contract run.
 */
const queryDeadlineMs = 2_500;

/** How long "no admission controller" is believed before the server is asked again. */
const noControllerRecheckMs = 1_000;

/** Closed runs whose final record is kept (a few MiB at most). */
const keptFinalRecords = 500;

/**
 * Which executions a status filter means: the search attribute the workflow keeps, corrected by the server's own
 * status for workflows that ended without writing theirs (terminated, timed out).
 */
const statusFilters: Record<WorkOrderStatus, string> = {
  pending: `AwoStatus = 'pending' AND ExecutionStatus = 'Running'`,
  running: `AwoStatus = 'running' AND ExecutionStatus = 'Running'`,
  waiting_for_approval: `AwoStatus = 'waiting_for_approval' AND ExecutionStatus = 'Running'`,
  completed: `AwoStatus = 'completed'`,
  failed: `(AwoStatus = 'failed' OR ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut'))`,
  cancelled: `(AwoStatus = 'cancelled' OR ExecutionStatus = 'Canceled')`,
};

/**
 * The API's one door to Temporal: start, describe, list, query, signal, cancel, and the outcome of a closed run. Every
 * call maps an unreachable server to a 503 and an unknown (or foreign) workflow to a 404.
 */
@Injectable()
export class WorkOrderGateway implements OnModuleDestroy {
  /** A work order polled by id costs the server one answer per change of its history, not one per poll. */
  private readonly watches = new HistoryWatches((run, token, signal) => this.historyPage(run, token, signal));
  /** A closed run's record never changes: read once, not on every poll of its steps. */
  private readonly finalRecords = new Map<string, FinalRecord>();
  private noControllerUntil = 0;

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WORK_ORDER_STARTER) private readonly eagerStartClient: Client | null,
    @Inject(EARLY_PREPARES) private readonly earlyPrepares: EarlyPrepares | null,
  ) {}

  onModuleDestroy(): void {
    this.watches.stop();
  }

  async start(input: WorkOrderInput): Promise<void> {
    const eager = this.eagerStartClient;
    this.watches.forget(input.agentWorkOrderId);
    const handle = await this.call(() =>
      eager ? startWorkOrder(eager, this.config.AWO_TASK_QUEUE, input, { eager: true }) : startWorkOrder(this.client, this.config.AWO_TASK_QUEUE, input),
    );
    // Only once the workflow exists: a line must not hold a place, nor a host a sandbox, for a work order that never started.
    this.earlyPrepares?.begin(prepareInputOf(input), { eagerly: handle.eagerlyStarted });
  }

  /** The execution of one of OUR work orders (right workflow type, our task queue), or WorkOrderNotFoundError. */
  describe(agentWorkOrderId: string): Promise<ExecutionSummary> {
    return this.watches.describe(
      agentWorkOrderId,
      async () => {
        const description = await this.call(() => this.client.workflow.getHandle(agentWorkOrderId).describe(), agentWorkOrderId);
        if (description.type !== workOrderWorkflowName || description.taskQueue !== this.config.AWO_TASK_QUEUE) throw new WorkOrderNotFoundError(agentWorkOrderId);
        return description;
      },
      isOpenExecution,
      noWorkflowTaskInFlight,
    );
  }

  /**
   * One page of work orders from visibility, in the server's order: open ones newest first, then closed ones most
   * recently ended first (the dev server's SQLite visibility has no ORDER BY). One call whatever the total.
   */
  async list(filter: { status?: WorkOrderStatus; limit: number }): Promise<ExecutionSummary[]> {
    const conditions = [`WorkflowType = '${workOrderWorkflowName}'`, `TaskQueue = '${this.config.AWO_TASK_QUEUE}'`];
    if (filter.status) conditions.push(statusFilters[filter.status]);
    return this.call(async () => {
      const executions: ExecutionSummary[] = [];
      for await (const execution of this.client.workflow.list({ query: conditions.join(' AND '), pageSize: filter.limit })) {
        executions.push(execution);
        if (executions.length >= filter.limit) break;
        // The SDK decodes one row per step in microtasks: unsliced, a page of 1,000 held every other request for 100 ms.
        if (executions.length % rowsPerSlice === 0) await nextTurn();
      }
      return executions;
    });
  }

  /** A query's answer, or undefined when no worker answered in time: every caller has a fallback. */
  query<T>(execution: RunRef, query: QueryDefinition<T>): Promise<T | undefined> {
    return this.watches.query(execution, query.name, () => this.withDeadline(() => this.client.workflow.getHandle(execution.workflowId, execution.runId).query(query)));
  }

  async signal<T>(agentWorkOrderId: string, signal: SignalDefinition<[T]>, payload: T): Promise<void> {
    await this.call(() => this.client.workflow.getHandle(agentWorkOrderId).signal(signal, payload), agentWorkOrderId);
    // Once the server has it: anything kept until then, even read while the signal was on its way, predates it.
    this.watches.forget(agentWorkOrderId);
  }

  /**
   * Runs a workflow update and waits for its answer. A validator's or handler's refusal comes back as
   * WorkOrderUpdateRefused carrying the ApplicationFailure's type and message.
   */
  async update<Result, Payload>(agentWorkOrderId: string, update: UpdateDefinition<Result, [Payload]>, payload: Payload): Promise<Result> {
    try {
      return await this.call(() => this.client.workflow.getHandle(agentWorkOrderId).executeUpdate(update, { args: [payload] }), agentWorkOrderId);
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) throw new WorkOrderUpdateRefused(error.cause.type ?? null, error.cause.message);
      throw error;
    } finally {
      this.watches.forget(agentWorkOrderId);
    }
  }

  async cancel(agentWorkOrderId: string): Promise<void> {
    await this.call(() => this.client.workflow.getHandle(agentWorkOrderId).cancel(), agentWorkOrderId);
    this.watches.forget(agentWorkOrderId);
  }

  /** The admission line; null when nobody waits, undefined when the controller did not answer in time. */
  admissionQueue(): Promise<AdmissionQueue | null | undefined> {
    return this.withDeadline(async () => {
      // Followed like a work order: a polled pending work order asks the controller's worker once per change of the line.
      const controllerId = admissionControllerId(this.config.AWO_TASK_QUEUE);
      if (performance.now() < this.noControllerUntil) return null;
      let controller: ExecutionSummary;
      try {
        controller = await this.watches.describe(controllerId, () => this.client.workflow.getHandle(controllerId).describe(), isOpenExecution);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        // No work order has joined a line yet (the first one starts it): asked again after a while, not on every poll.
        this.noControllerUntil = performance.now() + noControllerRecheckMs;
        return null;
      }
      const read = () => readAdmissionQueue(this.client, this.config.AWO_TASK_QUEUE);
      return isOpenExecution(controller) ? this.watches.query(controller, admissionQueueQuery.name, read) : read();
    });
  }

  /**
   * What a closed run recorded: a completed run's result, a failed or cancelled run's failure details. Undefined for
   * runs that recorded nothing readable (terminated, timed out, or histories from before the workflow recorded it).
   */
  async finalRecord(execution: ExecutionSummary): Promise<FinalRecord | undefined> {
    const kept = this.finalRecords.get(execution.runId);
    if (kept) return kept;
    const record = await this.readFinalRecord(execution);
    if (record) {
      this.finalRecords.set(execution.runId, record);
      if (this.finalRecords.size > keptFinalRecords) this.finalRecords.delete(this.finalRecords.keys().next().value!);
    }
    return record;
  }

  private async readFinalRecord(execution: ExecutionSummary): Promise<FinalRecord | undefined> {
    const handle = this.client.workflow.getHandle(execution.workflowId, execution.runId);
    try {
      return asFinalRecord(await this.client.withDeadline(Date.now() + queryDeadlineMs, () => handle.result()), execution.workflowId);
    } catch (error) {
      if (error instanceof WorkflowFailedError) {
        for (let cause: unknown = error.cause; cause instanceof TemporalFailure; cause = cause.cause) {
          const details = (cause as { details?: unknown[] }).details;
          const record = asFinalRecord(details?.[0], execution.workflowId);
          if (record) return record;
        }
        return undefined;
      }
      if (isTemporalUnavailable(error) && !isDeadline(error)) throw temporalUnavailable(error);
      return undefined;
    }
  }

  /** The input the work order was started with: the first event of its history. */
  async startInput(execution: ExecutionSummary): Promise<WorkOrderInput> {
    const response = await this.call(() =>
      this.client.workflowService.getWorkflowExecutionHistory({
        namespace: this.config.TEMPORAL_NAMESPACE,
        execution: { workflowId: execution.workflowId, runId: execution.runId },
        maximumPageSize: 1,
      }),
    );
    const payload = response.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const input = workOrderInputSchema.safeParse(payload ? defaultPayloadConverter.fromPayload(payload) : undefined);
    if (!input.success) throw new Error(`work order ${execution.workflowId} has no readable start input`);
    return input.data;
  }

  /** The events after `token`, waiting (Temporal's long poll, up to about 20 s) while there are none. */
  private async historyPage(run: RunRef, token: Uint8Array | undefined, signal: AbortSignal): Promise<HistoryPage> {
    const response = await this.client.withAbortSignal(signal, () =>
      this.client.workflowService.getWorkflowExecutionHistory({
        namespace: this.config.TEMPORAL_NAMESPACE,
        execution: { workflowId: run.workflowId, runId: run.runId },
        nextPageToken: token ?? null,
        waitNewEvent: true,
        skipArchival: true,
      }),
    );
    const lastEventId = response.history?.events?.at(-1)?.eventId;
    return {
      ...(lastEventId != null ? { lastEventId: typeof lastEventId === 'number' ? lastEventId : lastEventId.toNumber() } : {}),
      ...(response.nextPageToken?.length ? { nextPageToken: response.nextPageToken } : {}),
    };
  }

  private async call<T>(operation: () => Promise<T>, agentWorkOrderId?: string): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (agentWorkOrderId && (error instanceof WorkflowNotFoundError || (error as { name?: string }).name === 'WorkflowNotFoundError')) {
        throw new WorkOrderNotFoundError(agentWorkOrderId);
      }
      if (isTemporalUnavailable(error)) throw temporalUnavailable(error);
      throw error;
    }
  }

  private async withDeadline<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.client.withDeadline(Date.now() + queryDeadlineMs, call);
    } catch (error) {
      if (isTemporalUnavailable(error) && !isDeadline(error)) throw temporalUnavailable(error);
      return undefined;
    }
  }
}

/** A workflow update the workflow refused, with the failure type it named. */
export class WorkOrderUpdateRefused extends Error {
  constructor(
    readonly type: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'WorkOrderUpdateRefused';
  }
}

function asFinalRecord(value: unknown, agentWorkOrderId: string): FinalRecord | undefined {
  const record = value as Partial<FinalRecord> | null | undefined;
  return typeof record === 'object' && record !== null && record.agent_work_order_id === agentWorkOrderId ? (record as FinalRecord) : undefined;
}

/**
 * No worker is running a workflow task of it: the state described then changes only with events the history's long
 * poll reports. (A task only scheduled may wait long for a worker; it is kept.)
 */
function noWorkflowTaskInFlight(description: { raw: { pendingWorkflowTask?: { state?: unknown } | null } }): boolean {
  return description.raw.pendingWorkflowTask?.state !== pendingWorkflowTaskStarted;
}

/** PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED of Temporal's API. */
const pendingWorkflowTaskStarted = 2;
