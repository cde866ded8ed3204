import { Injectable } from '@nestjs/common';
import {
  type AgentWorkOrder,
  endedStatuses,
  type GitProgress,
  type StepHistory,
  type StepName,
  type WorkOrderPhase,
  type WorkOrderStatus,
  workOrderPhaseNames,
  workOrderStatusNames,
} from '../../src/models/work-order.js';
import { mapInSlices } from '../../src/event-loop-slices.js';
import { initialWorkOrderState } from '../../src/models/work-order-initial-state.js';
import { noBudgetLimits, noUsage } from '../../src/models/work-order-budget.js';
import { queuePositionOf } from '../../temporal/client/admission-queue-reader.js';
import { isOpenExecution } from '../../temporal/client/work-order-status.js';
import {
  cancelledStepsMemoKey,
  gitProgressQuery,
  pendingPromptsQuery,
  type PromptSignalPayload,
  stepHistoryQuery,
  workOrderMemoKey,
  workOrderStateQuery,
} from '../../workflows/messages.js';
import { awoPhaseKey, awoStatusKey, awoStepKey } from '../../workflows/search-attributes.js';
import { serializeInSlices } from '../core/json-once.js';
import { type ExecutionSummary, WorkOrderGateway } from './work-order-gateway.js';
import { WorkOrderListCache } from './work-order-list-cache.js';
import { PromptsSinceMemo } from './prompts-since-memo.js';

/**
 * Reads work orders from Temporal, the only source of truth (never a worker's disk), with the cheapest call that is
 * correct: the memo the workflow upserts with every state change, as describe or visibility return it, is the state
 * (running or ended) whenever it is current; a running work order answers queries for what the memo lacks (its steps,
 * the latest commit message, a prompt's count before the workflow publishes it); a closed one left its steps in its
 * result or failure details. With no worker and nothing recorded, the start input and the search attributes still tell
 * what the work order is and how far it got.
 */
@Injectable()
export class WorkOrderStateReader {
  private readonly prompts = new PromptsSinceMemo();
  /**
   * The state each described execution's memo gives, made once: a polled work order's describe is kept while its
   * history does not change, and so is the object made from it (and the JSON sent for it).
   */
  private readonly currentMemos = new WeakMap<ExecutionSummary, AgentWorkOrder | null>();

  constructor(
    private readonly gateway: WorkOrderGateway,
    private readonly listCache: WorkOrderListCache,
  ) {}

  describe(agentWorkOrderId: string): Promise<ExecutionSummary> {
    return this.gateway.describe(agentWorkOrderId);
  }

  async state(agentWorkOrderId: string): Promise<AgentWorkOrder> {
    const [state] = await this.withQueuePositions([await this.stateOf(await this.describe(agentWorkOrderId))]);
    this.listCache.observe(state!);
    return state!;
  }

  /** One page of the list: the memo each row carries, so a page costs one visibility call (plus the admission line). */
  list(filter: { status?: WorkOrderStatus; limit: number }): Promise<AgentWorkOrder[]> {
    return this.listCache.read(`${filter.status ?? 'all'}:${filter.limit}`, async () => {
      const page = await this.readList(filter);
      // Made while the page loads, in slices: the GETs it answers send it as is, and none waits for one big stringify.
      await serializeInSlices(page);
      return page;
    });
  }

  /** A change made through this API: the next list reads visibility again. */
  listChanged(): void {
    this.listCache.invalidate();
  }

  /** A prompt sent through this API: until the memo counts it, the work order's state is asked of a worker. */
  promptSent(agentWorkOrderId: string): void {
    this.prompts.noteSent(agentWorkOrderId);
    this.listCache.invalidate();
  }

  private async readList(filter: { status?: WorkOrderStatus; limit: number }): Promise<AgentWorkOrder[]> {
    const executions = await this.gateway.list(filter);
    // Rows whose memo is not current (histories from before the workflow kept it) are the only ones read one by one.
    const states = await Promise.all(await mapInSlices(executions, (execution) => this.currentMemo(execution) ?? this.stateOf(execution)));
    return this.withQueuePositions(states);
  }

  /** Pending work orders wait for an admission slot: their place in line comes from the admission controller. */
  async withQueuePositions(states: AgentWorkOrder[]): Promise<AgentWorkOrder[]> {
    if (!states.some((state) => state.status === 'pending')) return states;
    const queue = await this.gateway.admissionQueue();
    if (!queue) return states;
    return states.map((state) => (state.status === 'pending' ? { ...state, queue_position: queuePositionOf(queue, state.agent_work_order_id) } : state));
  }

  /** The state of an execution already described or listed. */
  async stateOf(execution: ExecutionSummary): Promise<AgentWorkOrder> {
    const memo = this.currentMemo(execution);
    if (memo) return memo;
    let state: AgentWorkOrder | undefined;
    if (isOpenExecution(execution)) {
      state = (await this.gateway.query(execution, workOrderStateQuery)) ?? this.fromMemo(execution);
    } else {
      const record = await this.gateway.finalRecord(execution);
      if (record) {
        const { steps: _steps, latest_commit_message: _latestCommitMessage, ...withoutSteps } = record;
        state = withoutSteps;
      } else {
        state = this.fromMemo(execution) ?? (await this.gateway.query(execution, workOrderStateQuery));
      }
    }
    return reconcileWithExecution(state ?? (await this.fromStartInput(execution)), execution);
  }

  async gitProgress(agentWorkOrderId: string): Promise<GitProgress> {
    const execution = await this.describe(agentWorkOrderId);
    if (!isOpenExecution(execution)) {
      const record = await this.gateway.finalRecord(execution);
      if (record && record.latest_commit_message !== undefined) return gitProgressOf(record, record.latest_commit_message);
    }
    // Else the latest commit message is only in the workflow's own state, which a worker answers by replaying it.
    const progress = await this.gateway.query(execution, gitProgressQuery);
    if (progress) return progress;
    return gitProgressOf(await this.stateOf(execution), null);
  }

  async steps(agentWorkOrderId: string): Promise<StepHistory> {
    const execution = await this.describe(agentWorkOrderId);
    if (!isOpenExecution(execution)) {
      // A cancelled run keeps its steps in the memo; completed and failed ones carry them in the result or failure.
      const steps = cancelledSteps(execution) ?? (await this.gateway.finalRecord(execution))?.steps;
      if (steps) return { agent_work_order_id: agentWorkOrderId, steps };
    }
    // Open, or closed before the workflow recorded its steps: a worker replays the history to answer.
    const history = await this.gateway.query(execution, stepHistoryQuery);
    return history ?? { agent_work_order_id: agentWorkOrderId, steps: [] };
  }

  /** The prompts waiting for their turn, or undefined when no worker answered. */
  pendingPrompts(execution: ExecutionSummary): Promise<PromptSignalPayload[] | undefined> {
    return this.gateway.query(execution, pendingPromptsQuery);
  }

  /**
   * The memo when it says all a worker would: upserted with the search attributes (so the workflow's latest state),
   * and, while the work order runs, written after any prompt sent through this API. A closed work order's memo is its
   * final state (nothing is published after the ended status; a terminated one is reconciled with the server's status).
   */
  private currentMemo(execution: ExecutionSummary): AgentWorkOrder | undefined {
    let memo = this.currentMemos.get(execution);
    if (memo === undefined) {
      memo = this.fromMemo(execution, { current: true }) ?? null;
      this.currentMemos.set(execution, memo);
    }
    if (!memo) return undefined;
    if (!isOpenExecution(execution)) {
      this.prompts.forget(execution.workflowId);
      return memo;
    }
    return this.prompts.mayLackPrompt(execution.workflowId, memo.updated_at) ? undefined : memo;
  }

  /**
   * The memo the workflow keeps, with the search attributes it sets in the same workflow task laid over it (a memo
   * written only at start still shows the current status, phase and step). `current`: only a memo upserted with the
   * search attributes, i.e. one whose status is the one the search attributes hold.
   */
  private fromMemo(execution: ExecutionSummary, options: { current?: boolean } = {}): AgentWorkOrder | undefined {
    const memo = execution.memo?.[workOrderMemoKey] as AgentWorkOrder | undefined;
    if (typeof memo !== 'object' || memo === null || memo.agent_work_order_id !== execution.workflowId) return undefined;
    const attributeStatus = asStatus(execution.typedSearchAttributes.get(awoStatusKey));
    if (options.current && attributeStatus !== undefined && attributeStatus !== memo.status) return undefined;
    return reconcileWithExecution(withSearchAttributes(memo, execution), execution);
  }

  /** The least a work order is known by without a worker: its start input and the search attributes it last set. */
  private async fromStartInput(execution: ExecutionSummary): Promise<AgentWorkOrder> {
    const state = initialWorkOrderState(await this.gateway.startInput(execution));
    return { ...withSearchAttributes(state, execution), updated_at: (execution.closeTime ?? execution.startTime).toISOString() };
  }
}

function cancelledSteps(execution: ExecutionSummary): StepHistory['steps'] | undefined {
  const memo = execution.memo?.[cancelledStepsMemoKey] as Partial<StepHistory> | undefined;
  return memo?.agent_work_order_id === execution.workflowId && Array.isArray(memo.steps) ? memo.steps : undefined;
}

function withSearchAttributes(state: AgentWorkOrder, execution: ExecutionSummary): AgentWorkOrder {
  const attributes = execution.typedSearchAttributes;
  const phase = attributes.get(awoPhaseKey);
  const step = attributes.get(awoStepKey);
  return {
    ...state,
    status: asStatus(attributes.get(awoStatusKey)) ?? state.status,
    current_phase: (workOrderPhaseNames as readonly string[]).includes(phase ?? '') ? (phase as WorkOrderPhase) : phase === 'none' ? null : state.current_phase,
    current_step: step === undefined ? state.current_step : step !== 'none' ? (step as StepName) : null,
  };
}

const fieldsOlderStatesLack = {
  ...noBudgetLimits,
  ...noUsage,
  agent_duration_seconds: 0,
  approval: 'none',
  plan_text: null,
  approval_expires_at: null,
  approval_outcome: null,
  approval_comment: null,
} as const;

/**
 * The workflow's own status wins, except where the server knows better: a terminated or timed-out workflow never got
 * to write an ended status.
 */
function reconcileWithExecution(recorded: AgentWorkOrder, execution: ExecutionSummary): AgentWorkOrder {
  // Work orders started before `workflow_type`, budgets, usage or plan approval were recorded have none.
  const state: AgentWorkOrder = { ...fieldsOlderStatesLack, ...recorded, workflow_type: recorded.workflow_type ?? null };
  if (isOpenExecution(execution) || endedStatuses.includes(state.status)) return state;
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

function gitProgressOf(state: AgentWorkOrder, latestCommitMessage: string | null): GitProgress {
  return {
    agent_work_order_id: state.agent_work_order_id,
    current_phase: state.current_phase,
    git_commit_count: state.git_commit_count,
    git_files_changed: state.git_files_changed,
    latest_commit_message: latestCommitMessage,
    git_branch_name: state.git_branch_name,
  };
}
