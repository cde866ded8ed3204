import { patched, setCurrentDetails, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { initialWorkOrderState } from '../src/models/work-order-initial-state.js';
import type { AgentWorkOrder, GitProgress, StepRecord, WorkOrderInput } from '../src/models/work-order.js';
import { type EndedWorkOrder, gitProgressQuery, stepHistoryQuery, workOrderMemoKey, workOrderStateQuery } from './messages.js';
import { awoPhaseKey, awoRepositoryKey, awoStatusKey, awoStepKey } from './search-attributes.js';
import { describeWorkOrder } from './work-order-summary.js';

/** Work orders started before this patch publish search attributes only; later ones also the memo. */
export const workOrderMemoPatch = 'awo-work-order-memo';

/**
 * A work order's state and step history, and everything that publishes them: queries, search attributes, the memo
 * and the Web UI summary. Every change goes through `update`, so what is published never lags behind the state.
 */
export class WorkOrderRecord {
  readonly state: AgentWorkOrder;
  readonly steps: StepRecord[] = [];
  private latestCommitMessage: string | null = null;
  /** The work order ended in a way a person should inspect (a passed budget): cleanup leaves the sandbox to retention. */
  keepSandbox = false;

  constructor(input: WorkOrderInput) {
    this.state = initialWorkOrderState(input);
    setHandler(workOrderStateQuery, () => this.state);
    setHandler(gitProgressQuery, (): GitProgress => ({
      agent_work_order_id: this.state.agent_work_order_id,
      current_phase: this.state.current_phase,
      git_commit_count: this.state.git_commit_count,
      git_files_changed: this.state.git_files_changed,
      latest_commit_message: this.latestCommitMessage,
      git_branch_name: this.state.git_branch_name,
    }));
    setHandler(stepHistoryQuery, () => ({ agent_work_order_id: this.state.agent_work_order_id, steps: this.steps }));
  }

  update(changes: Partial<AgentWorkOrder>): void {
    Object.assign(this.state, changes, { updated_at: new Date().toISOString() });
    upsertSearchAttributes([
      { key: awoStatusKey, value: this.state.status },
      { key: awoPhaseKey, value: this.state.current_phase ?? 'none' },
      { key: awoRepositoryKey, value: this.state.repository_url },
      { key: awoStepKey, value: this.state.current_step ?? 'none' },
    ]);
    if (patched(workOrderMemoPatch)) upsertMemo({ [workOrderMemoKey]: this.state });
    setCurrentDetails(describeWorkOrder(this.state));
  }

  /** Not published by itself: it changes from signal handlers, and the next update carries it. */
  setPendingPrompts(count: number): void {
    this.state.pending_prompts = count;
  }

  setLatestCommitMessage(message: string | null): void {
    this.latestCommitMessage = message;
  }

  addStep(record: StepRecord): void {
    this.steps.push(record);
  }

  ended(): EndedWorkOrder {
    return { ...this.state, steps: this.steps, latest_commit_message: this.latestCommitMessage };
  }
}
