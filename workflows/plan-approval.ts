import { ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import type { ApprovalDecision, approvalDecisionSchema } from '../src/models/plan-approval.js';
import { invalidApprovalDecisionErrorType, notWaitingForApprovalErrorType } from '../src/models/plan-approval-rules.js';
import type { WorkOrderInput } from '../src/models/work-order.js';
import { approvalUpdate } from './messages.js';
import { WorkOrderFailed } from './work-order-failure.js';
import type { WorkOrderRecord } from './work-order-record.js';
import type { WorkOrderRun } from './work-order-run.js';

/** Work orders started before plan approval existed never wait; later ones that ask for it do. */
export const planApprovalPatch = 'awo-plan-approval';

/** The reason a rejected plan ends the work order; it ends as cancelled, not failed. */
export class PlanRejected extends Error {}

/** Used when a work order asks for approval without its own timeout (histories of the same code always carry one). */
const fallbackApprovalTimeoutSeconds = 7 * 24 * 60 * 60;

export function asksForPlanApproval(input: WorkOrderInput): boolean {
  return input.approval === 'plan' && patched(planApprovalPatch);
}

/**
 * Takes the decision on a plan through the `approval` update. The validator refuses (and so writes nothing to the
 * history) a decision while nothing waits for one, or a second decision while the first is being applied; the handler
 * answers once the workflow has acted on the decision, with the state it led to.
 */
export class PlanApprovalGate {
  private decision: ApprovalDecision | null = null;
  private waiting = false;
  /** Loaded when a plan starts waiting (see loadDecisionSchema); decisions are refused before that. */
  private decisionSchema: typeof approvalDecisionSchema | null = null;

  constructor(private readonly record: WorkOrderRecord) {
    setHandler(
      approvalUpdate,
      async (decision) => {
        this.decision = decision;
        await condition(() => this.record.state.status !== 'waiting_for_approval');
        return this.record.state;
      },
      {
        validator: (decision) => {
          if (!this.waiting || this.decision !== null || !this.decisionSchema) {
            throw ApplicationFailure.create({
              type: notWaitingForApprovalErrorType,
              message: `work order ${record.state.agent_work_order_id} is not waiting for approval (status: ${record.state.status})`,
              nonRetryable: true,
            });
          }
          const parsed = this.decisionSchema!.safeParse(decision);
          if (!parsed.success) {
            throw ApplicationFailure.create({ type: invalidApprovalDecisionErrorType, message: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '), nonRetryable: true });
          }
        },
      },
    );
  }

  /**
   * After the planning step: shows the plan, waits durably for a decision (or the timeout) and applies it. An edited
   * plan replaces the plan later steps receive; a rejected one throws PlanRejected.
   */
  async await(run: WorkOrderRun): Promise<void> {
    const { input, record, sandbox, host } = run;
    const plan = await host.readPlan({ agentWorkOrderId: input.agentWorkOrderId, sandboxPath: sandbox.sandboxPath, planOutput: run.planOutput });
    this.decisionSchema = await loadDecisionSchema();
    const timeoutSeconds = input.approvalTimeoutSeconds ?? fallbackApprovalTimeoutSeconds;
    record.update({
      status: 'waiting_for_approval',
      // Git would call an uncommitted plan file "implementing"; the work order is still at its plan.
      current_phase: 'planning',
      current_step: null,
      plan_text: plan.planText,
      approval_expires_at: new Date(Date.now() + timeoutSeconds * 1000).toISOString(),
    });
    this.waiting = true;
    const decided = await condition(() => this.decision !== null, timeoutSeconds * 1000);
    this.waiting = false;
    const decision = this.decision;
    if (!decided || !decision) {
      if (input.approvalOnTimeout === 'approve') {
        record.update({ status: 'running', approval_expires_at: null, approval_outcome: 'approved_on_timeout' });
        return;
      }
      record.update({ approval_expires_at: null, approval_outcome: 'timed_out' });
      throw new WorkOrderFailed(`the plan was not approved within the approval timeout of ${formatDuration(timeoutSeconds)}; approve sooner, give a longer approval_timeout_seconds, or ask for on_timeout: approve`);
    }
    const comment = decision.comment?.trim() || null;
    if (decision.decision === 'reject') {
      record.update({ approval_expires_at: null, approval_outcome: 'rejected', approval_comment: comment });
      throw new PlanRejected(comment ? `plan rejected: ${comment}` : 'plan rejected');
    }
    if (decision.decision === 'edit' && decision.plan !== undefined) {
      if (plan.planPath) await host.writePlan({ agentWorkOrderId: input.agentWorkOrderId, sandboxPath: sandbox.sandboxPath, planPath: plan.planPath, planText: decision.plan });
      run.planOutput = decision.plan;
      record.update({ status: 'running', plan_text: decision.plan, approval_expires_at: null, approval_outcome: 'edited', approval_comment: comment });
      return;
    }
    record.update({ status: 'running', approval_expires_at: null, approval_outcome: 'approved', approval_comment: comment });
  }
}

/**
 * Zod is evaluated only for work orders that wait for a plan: the sandbox evaluates every module a workflow imports
 * again for each run, and zod with the schemas was most of that time. Bundled in (eager mode: no chunk, no I/O), so
 * the import is only microtask turns and replays alike.
 */
async function loadDecisionSchema(): Promise<typeof approvalDecisionSchema> {
  return (await import(/* webpackMode: "eager" */ '../src/models/plan-approval.js')).approvalDecisionSchema;
}

function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hour${seconds === 3_600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
