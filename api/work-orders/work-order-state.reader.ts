import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Client, WorkflowExecutionInfo, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowNotFoundError } from '@temporalio/common';
import type { AppConfig } from '../../src/config.js';
import {
  type AgentWorkOrder,
  endedStatuses,
  type GitProgress,
  type StepName,
  type StepRecord,
  type WorkOrderPhase,
  type WorkOrderStatus,
  workOrderInputSchema,
  workOrderPhaseNames,
  workOrderStatusNames,
} from '../../src/models/work-order.js';
import { initialWorkOrderState } from '../../src/models/work-order-initial-state.js';
import { gitProgressQuery, pendingPromptsQuery, type PromptSignalPayload, type StepHistory, stepHistoryQuery, workOrderStateQuery, workOrderWorkflowName } from '../../workflows/messages.js';
import { awoPhaseKey, awoStatusKey, awoStepKey } from '../../workflows/search-attributes.js';
import { WorkOrderNotFoundError } from '../core/api-errors.js';
import { APP_CONFIG, TEMPORAL_CLIENT } from '../core/api-tokens.js';
import { queuePositionOf, readAdmissionQueue } from '../../temporal/client/admission-queue-reader.js';
import { isDeadline, isTemporalUnavailable, temporalUnavailable } from './temporal-errors.js';

/** What both describe() and a visibility list give about an execution. */
export type ExecutionSummary = Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'type' | 'taskQueue' | 'status' | 'startTime' | 'closeTime' | 'typedSearchAttributes'>;

/** A query goes to a worker; when none answers in this time, the reader falls back to what the server itself knows. */
const queryDeadlineMs = 5_000;

/** What a finished work order keeps beside its artifacts: the final state plus the step history (see cleanup). */
type FinalMetadata = AgentWorkOrder & { steps?: StepRecord[] };

/**
 * Reads work orders from Temporal, the only source of truth: a running one answers its queries; a completed one has
 * its final state as the workflow result; a failed or cancelled one left its final state in metadata.json at cleanup
 * (and answers queries while a worker replays it). With no worker at all, the start input and the search attributes
 * still tell what the work order is and how far it got.
 */
@Injectable()
export class WorkOrderStateReader {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The execution of one of OUR work orders (right workflow type, our task queue), or WorkOrderNotFoundError. */
  async describe(agentWorkOrderId: string): Promise<ExecutionSummary> {
    try {
      const description = await this.client.workflow.getHandle(agentWorkOrderId).describe();
      if (description.type !== workOrderWorkflowName || description.taskQueue !== this.config.AWO_TASK_QUEUE) {
        throw new WorkOrderNotFoundError(agentWorkOrderId);
      }
      return description;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || (error as { name?: string }).name === 'WorkflowNotFoundError') throw new WorkOrderNotFoundError(agentWorkOrderId);
      if (isTemporalUnavailable(error)) throw temporalUnavailable(error);
      throw error;
    }
  }

  async state(agentWorkOrderId: string): Promise<AgentWorkOrder> {
    const [state] = await this.withQueuePositions([await this.stateOf(await this.describe(agentWorkOrderId))]);
    return state!;
  }

  /** Pending work orders wait for an admission slot: their place in line comes from the admission controller. */
  async withQueuePositions(states: AgentWorkOrder[]): Promise<AgentWorkOrder[]> {
    if (!states.some((state) => state.status === 'pending')) return states;
    const queue = await this.withDeadline(() => readAdmissionQueue(this.client, this.config.AWO_TASK_QUEUE));
    if (!queue) return states;
    return states.map((state) => (state.status === 'pending' ? { ...state, queue_position: queuePositionOf(queue, state.agent_work_order_id) } : state));
  }

  /** The state of an execution already described or listed. */
  async stateOf(execution: ExecutionSummary): Promise<AgentWorkOrder> {
    const handle = this.client.workflow.getHandle(execution.workflowId, execution.runId);
    let state: AgentWorkOrder | undefined;
    if (execution.status.name === 'RUNNING') {
      state = await this.query(handle, workOrderStateQuery.name);
    } else if (execution.status.name === 'COMPLETED') {
      state = await this.withDeadline(() => handle.result() as Promise<AgentWorkOrder>);
    } else {
      state = (await this.finalMetadata(execution.workflowId)) ?? (await this.query(handle, workOrderStateQuery.name));
    }
    if (state) {
      const { steps: _steps, ...withoutSteps } = state as FinalMetadata;
      return reconcileWithExecution(withoutSteps, execution);
    }
    return this.fromStartInput(execution);
  }

  async gitProgress(agentWorkOrderId: string): Promise<GitProgress> {
    const execution = await this.describe(agentWorkOrderId);
    const progress = await this.query<GitProgress>(this.client.workflow.getHandle(agentWorkOrderId), gitProgressQuery.name);
    if (progress) return progress;
    const state = await this.stateOf(execution);
    return {
      agent_work_order_id: agentWorkOrderId,
      current_phase: state.current_phase,
      git_commit_count: state.git_commit_count,
      git_files_changed: state.git_files_changed,
      latest_commit_message: null,
      git_branch_name: state.git_branch_name,
    };
  }

  async steps(agentWorkOrderId: string): Promise<StepHistory> {
    const execution = await this.describe(agentWorkOrderId);
    const history = await this.query<StepHistory>(this.client.workflow.getHandle(agentWorkOrderId), stepHistoryQuery.name);
    if (history) return history;
    const metadata = execution.status.name === 'RUNNING' ? undefined : await this.finalMetadata(agentWorkOrderId);
    return { agent_work_order_id: agentWorkOrderId, steps: metadata?.steps ?? [] };
  }

  /** The prompts waiting for their turn, or undefined when no worker answered. */
  pendingPrompts(agentWorkOrderId: string): Promise<PromptSignalPayload[] | undefined> {
    return this.query(this.client.workflow.getHandle(agentWorkOrderId), pendingPromptsQuery.name);
  }

  private async query<T>(handle: WorkflowHandle, queryName: string): Promise<T | undefined> {
    return this.withDeadline(() => handle.query<T>(queryName));
  }

  /** undefined when the call failed or took too long: every caller has a fallback. */
  private async withDeadline<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.client.withDeadline(Date.now() + queryDeadlineMs, call);
    } catch (error) {
      if (isTemporalUnavailable(error) && !isDeadline(error)) throw temporalUnavailable(error);
      return undefined;
    }
  }

  private async finalMetadata(agentWorkOrderId: string): Promise<FinalMetadata | undefined> {
    try {
      const text = await readFile(path.join(this.config.workOrderDir, agentWorkOrderId, 'metadata.json'), 'utf8');
      const metadata = JSON.parse(text) as FinalMetadata;
      return metadata.agent_work_order_id === agentWorkOrderId ? metadata : undefined;
    } catch {
      // Not written yet, written on another host, or removed by retention: the other sources answer.
      return undefined;
    }
  }

  /** The least a work order is known by without a worker: its start input and the search attributes it last set. */
  private async fromStartInput(execution: ExecutionSummary): Promise<AgentWorkOrder> {
    const response = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace: this.config.TEMPORAL_NAMESPACE,
      execution: { workflowId: execution.workflowId, runId: execution.runId },
      maximumPageSize: 1,
    });
    const payload = response.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const input = workOrderInputSchema.safeParse(payload ? defaultPayloadConverter.fromPayload(payload) : undefined);
    if (!input.success) throw new Error(`work order ${execution.workflowId} has no readable start input`);
    const attributes = execution.typedSearchAttributes;
    const phase = attributes.get(awoPhaseKey);
    const step = attributes.get(awoStepKey);
    const state: AgentWorkOrder = {
      ...initialWorkOrderState(input.data),
      status: asStatus(attributes.get(awoStatusKey)) ?? 'pending',
      current_phase: (workOrderPhaseNames as readonly string[]).includes(phase ?? '') ? (phase as WorkOrderPhase) : null,
      current_step: step && step !== 'none' ? (step as StepName) : null,
      updated_at: (execution.closeTime ?? execution.startTime).toISOString(),
    };
    return reconcileWithExecution(state, execution);
  }
}

/**
 * The workflow's own status wins, except where the server knows better: a terminated or timed-out workflow never got
 * to write an ended status.
 */
function reconcileWithExecution(recorded: AgentWorkOrder, execution: ExecutionSummary): AgentWorkOrder {
  // Work orders started before `workflow_type` was recorded have none.
  const state = { ...recorded, workflow_type: recorded.workflow_type ?? null };
  if (execution.status.name === 'RUNNING' || endedStatuses.includes(state.status)) return state;
  const status = executionStatus(execution);
  const reason = execution.status.name === 'TERMINATED' ? 'terminated' : execution.status.name === 'TIMED_OUT' ? 'timed out' : null;
  return { ...state, status, error_message: state.error_message ?? (reason ? `the workflow was ${reason}` : null) };
}

/** Our status for an execution the server reports as closed. */
export function executionStatus(execution: Pick<ExecutionSummary, 'status'>): WorkOrderStatus {
  switch (execution.status.name) {
    case 'COMPLETED':
      return 'completed';
    case 'CANCELLED':
      return 'cancelled';
    case 'RUNNING':
      return 'running';
    default:
      return 'failed';
  }
}

function asStatus(value: string | undefined): WorkOrderStatus | undefined {
  return (workOrderStatusNames as readonly string[]).includes(value ?? '') ? (value as WorkOrderStatus) : undefined;
}

