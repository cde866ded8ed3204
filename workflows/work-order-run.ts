import type { EarlyPullRequest, SetupSandboxResult } from '../activities/activity-types.js';
import type { WorkOrderInput } from '../src/models/work-order.js';
import type { PromptRouter } from './prompt-router.js';
import type { HostActivities } from './work-order-activities.js';
import type { WorkOrderRecord } from './work-order-record.js';

/** What the steps of one work order share once its sandbox exists. */
export interface WorkOrderRun {
  readonly input: WorkOrderInput;
  /** Started with lean orchestration (see lean-orchestration.ts): fewer round trips to Temporal per step. */
  readonly lean: boolean;
  readonly record: WorkOrderRecord;
  readonly prompts: PromptRouter;
  readonly sandbox: SetupSandboxResult;
  /** Activities on the worker host that holds the sandbox. */
  readonly host: HostActivities;
  readonly issueText: string | null;
  /** The planning step's answer, handed to later steps and the pull request. */
  planOutput: string | null;
  /** A prompt ran after the pull request was opened: its commits need another push. */
  promptsRunAfterPullRequest: boolean;
  /**
   * The pull request the step before `create-pr` opened itself (early-push.ts), while nothing ran after that step:
   * `create-pr` records it instead of asking the host again.
   */
  earlyPullRequest: EarlyPullRequest | null;
}
