import { patched, setCurrentDetails, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { initialWorkOrderState } from '../src/models/work-order-initial-state.js';
import type { AgentWorkOrder, GitProgress, StepRecord, WorkOrderInput } from '../src/models/work-order.js';
import { type EndedWorkOrder, gitProgressQuery, stepHistoryQuery, workOrderMemoKey, workOrderStateQuery } from './messages.js';
import { awoPhaseKey, awoRepositoryKey, awoStatusKey, awoStepKey } from './search-attributes.js';
import { activationSettled } from './settled-publish.js';
import { describeWorkOrder } from './work-order-summary.js';

/** Work orders started before this patch publish search attributes only; later ones also the memo. */
export const workOrderMemoPatch = 'awo-work-order-memo';

/** See publishLater: well past the turns between a step's end and the next step's start, and cheap. */
const publishAfterMicrotasks = 100;

const searchAttributeKeys = Object.fromEntries([awoStatusKey, awoPhaseKey, awoRepositoryKey, awoStepKey].map((key) => [key.name, key]));

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

  /** Fast path: changes are published once, when the workflow task's code has run (see fast-path.ts). */
  private readonly coalesce: boolean;
  /** Publishes when the activation has settled instead of after a fixed number of microtask turns (settled-publish.ts). */
  private readonly publishWhenSettled: boolean;
  /** A prompt's arrival publishes its count (settled-publish.ts). */
  private readonly publishPromptCount: boolean;
  private publishQueued = false;
  /** What the search attributes were last set to: at first, what the work order was started with. */
  private published: Record<string, string>;

  constructor(input: WorkOrderInput, options: { coalesce?: boolean; publishWhenSettled?: boolean; publishPromptCount?: boolean } = {}) {
    this.state = initialWorkOrderState(input);
    this.coalesce = options.coalesce ?? false;
    this.publishWhenSettled = options.publishWhenSettled ?? false;
    this.publishPromptCount = options.publishPromptCount ?? false;
    const started = workflowInfo().typedSearchAttributes;
    this.published = Object.fromEntries(Object.values(searchAttributeKeys).map((key) => [key.name, String(started.get(key) ?? '')]));
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
    if (!this.coalesce) {
      upsertSearchAttributes([
        { key: awoStatusKey, value: this.state.status },
        { key: awoPhaseKey, value: this.state.current_phase ?? 'none' },
        { key: awoRepositoryKey, value: this.state.repository_url },
        { key: awoStepKey, value: this.state.current_step ?? 'none' },
      ]);
      if (patched(workOrderMemoPatch)) upsertMemo({ [workOrderMemoKey]: this.state });
      setCurrentDetails(describeWorkOrder(this.state));
      return;
    }
    if (this.publishQueued) return;
    this.publishQueued = true;
    void this.publishLater();
  }

  /**
   * The SDK runs every microtask of an activation before it completes the workflow task, so this publishes within
   * the task that made the changes, once its code has settled (older runs: after a hundred microtask turns, well past
   * the dozen a step's outcome, its git and the next step's start take). All their changes go in one memo; code still
   * running later only queues another publish.
   */
  private async publishLater(): Promise<void> {
    if (this.publishWhenSettled) await activationSettled();
    else for (let turn = 0; turn < publishAfterMicrotasks; turn += 1) await Promise.resolve();
    this.publish();
  }

  private publish(): void {
    this.publishQueued = false;
    const values = this.searchAttributeValues();
    const changed = Object.entries(values).filter(([key, value]) => this.published[key] !== value);
    if (changed.length > 0) {
      upsertSearchAttributes(changed.map(([key, value]) => ({ key: searchAttributeKeys[key]!, value })));
      this.published = values;
    }
    upsertMemo({ [workOrderMemoKey]: this.state });
    setCurrentDetails(describeWorkOrder(this.state));
  }

  private searchAttributeValues(): Record<string, string> {
    return {
      [awoStatusKey.name]: this.state.status,
      [awoPhaseKey.name]: this.state.current_phase ?? 'none',
      [awoRepositoryKey.name]: this.state.repository_url,
      [awoStepKey.name]: this.state.current_step ?? 'none',
    };
  }

  /** Changed by signal handlers: older work orders publish it only with their next update. */
  setPendingPrompts(count: number): void {
    if (this.publishPromptCount) this.update({ pending_prompts: count });
    else this.state.pending_prompts = count;
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
