import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { AgentWorkOrder, ApprovalDecision } from '../../../client/index.js';
import { api } from '../api.js';
import { mapFieldErrors } from '../field-errors.js';
import { FieldErrors } from './query-state.js';

/**
 * The plan a work order waits with, and the decision on it: approve as is, edit and approve (the later steps receive
 * the edited plan), or reject (the work order ends cancelled with the comment as its reason).
 */
export function PlanApproval({ workOrder }: { workOrder: AgentWorkOrder }) {
  const id = workOrder.agent_work_order_id;
  const [editing, setEditing] = useState(false);
  const [plan, setPlan] = useState(workOrder.plan_text ?? '');
  const [comment, setComment] = useState('');
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: (body: ApprovalDecision) => api.decideApproval(id, body),
    onSuccess: (state) => queryClient.setQueryData(['work-order', id], state),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['work-order', id] }),
  });
  const errors = mapFieldErrors(decide.error, ['decision', 'plan', 'comment']);
  const withComment = comment.trim() ? { comment: comment.trim() } : {};
  const expires = workOrder.approval_expires_at ? new Date(workOrder.approval_expires_at).toLocaleString() : null;

  return (
    <section className="plan-approval" aria-labelledby="plan-approval-heading">
      <h2 id="plan-approval-heading">Plan waiting for your approval</h2>
      <p className="muted">
        The agent has planned and waits for a decision before it implements anything{expires ? `; without one, at ${expires} the work order ${workOrder.status === 'waiting_for_approval' ? 'times out' : 'goes on'}` : ''}. Prompts sent now run after approval.
      </p>
      {editing ? (
        <>
          <label htmlFor="plan-edit">Plan (the later steps receive this text)</label>
          <textarea id="plan-edit" rows={16} value={plan} onChange={(event) => setPlan(event.target.value)} aria-describedby={errors.byField.plan ? 'plan-error' : undefined} />
          <FieldErrors id="plan-error" messages={errors.byField.plan ?? []} />
        </>
      ) : (
        <pre className="plan-text" aria-label="plan">
          {workOrder.plan_text ?? 'The planning step left no plan text.'}
        </pre>
      )}
      <label htmlFor="approval-comment">Comment (optional; the reason when you reject)</label>
      <input id="approval-comment" value={comment} onChange={(event) => setComment(event.target.value)} maxLength={2000} />
      <FieldErrors id="comment-error" messages={errors.byField.comment ?? []} />
      <div className="actions">
        {editing ? (
          <>
            <button type="button" className="primary" disabled={decide.isPending || !plan.trim()} onClick={() => decide.mutate({ decision: 'edit', plan, ...withComment })}>
              Approve edited plan
            </button>
            <button type="button" disabled={decide.isPending} onClick={() => setEditing(false)}>
              Discard edits
            </button>
          </>
        ) : (
          <>
            <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate({ decision: 'approve', ...withComment })}>
              Approve
            </button>
            <button type="button" disabled={decide.isPending} onClick={() => (setPlan(workOrder.plan_text ?? ''), setEditing(true))}>
              Edit
            </button>
          </>
        )}
        <button type="button" className="danger" disabled={decide.isPending} onClick={() => decide.mutate({ decision: 'reject', ...withComment })}>
          Reject
        </button>
      </div>
      {errors.general.length > 0 && (
        <p className="field-error" role="alert">
          {errors.general.join(' ')}
        </p>
      )}
    </section>
  );
}

/** A plan that was decided on, for the record: what the later steps received and how it was decided. */
export function DecidedPlan({ workOrder }: { workOrder: AgentWorkOrder }) {
  if (workOrder.approval !== 'plan' || workOrder.status === 'waiting_for_approval' || !workOrder.plan_text) return null;
  const outcome = workOrder.approval_outcome ? workOrder.approval_outcome.replace(/_/g, ' ') : 'not decided';
  return (
    <details className="decided-plan">
      <summary>
        Plan ({outcome}
        {workOrder.approval_comment ? `: ${workOrder.approval_comment}` : ''})
      </summary>
      <pre className="plan-text">{workOrder.plan_text}</pre>
    </details>
  );
}
