import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { AgentWorkOrder } from '../../../client/index.js';
import { api } from '../api.js';
import { LogView } from '../components/log-view.js';
import { PhaseTracker } from '../components/phase-tracker.js';
import { DecidedPlan, PlanApproval } from '../components/plan-approval.js';
import { errorText, QueryState, StatusBadge } from '../components/query-state.js';
import { budgetSummary, duration, openStatuses, repositoryName, usageSummary } from '../format.js';
import { useLogStream } from '../log-stream.js';

const pollMs = 3000;
const whileOpen = (workOrder: AgentWorkOrder | undefined) => (workOrder && !openStatuses.has(workOrder.status) ? false : pollMs);

export function WorkOrderPage({ id }: { id: string }) {
  const workOrder = useQuery({ queryKey: ['work-order', id], queryFn: () => api.getWorkOrder(id), refetchInterval: (query) => whileOpen(query.state.data) });
  const open = !workOrder.data || openStatuses.has(workOrder.data.status);
  // The status is part of the keys: when the work order ends, its final steps and git evidence are fetched once more.
  const status = workOrder.data?.status;
  const steps = useQuery({ queryKey: ['work-order', id, 'steps', status], queryFn: () => api.stepHistory(id), refetchInterval: open ? pollMs : false, enabled: !!workOrder.data, placeholderData: keepPreviousData });
  const git = useQuery({ queryKey: ['work-order', id, 'git', status], queryFn: () => api.gitProgress(id), refetchInterval: open ? pollMs : false, enabled: !!workOrder.data, placeholderData: keepPreviousData });
  const info = useQuery({ queryKey: ['info'], queryFn: () => api.info(), staleTime: Infinity });
  const log = useLogStream(id);

  if (!workOrder.data) {
    return (
      <>
        <h1>Work order {id}</h1>
        <QueryState isPending={workOrder.isPending} error={workOrder.error} retry={() => void workOrder.refetch()} label="the work order" />
      </>
    );
  }
  const data = workOrder.data;
  const temporalLink = info.data?.temporal_ui_url ? `${info.data.temporal_ui_url}/namespaces/${encodeURIComponent(info.data.temporal_namespace)}/workflows/${encodeURIComponent(id)}` : null;

  return (
    <>
      <div className="page-header">
        <h1>
          {id} <StatusBadge status={data.status} queuePosition={data.queue_position} />
        </h1>
        <div className="actions">
          {temporalLink ? (
            <a className="button" href={temporalLink} target="_blank" rel="noreferrer">
              Open in Temporal Web UI
            </a>
          ) : (
            <span className="muted" title="Set AWO_TEMPORAL_UI_URL to link the Temporal Web UI">
              Temporal Web UI address not configured
            </span>
          )}
          {open && <CancelButton id={id} />}
        </div>
      </div>
      {data.status === 'failed' && (
        <div className="error-box failed-banner" role="alert">
          <strong>This work order failed.</strong> {data.error_message ?? 'No error message was recorded.'}
        </div>
      )}
      {data.status === 'waiting_for_approval' && <PlanApproval key={data.plan_text} workOrder={data} />}
      <p className="request">{data.user_request}</p>
      <DecidedPlan workOrder={data} />
      <dl className="facts">
        <dt>Repository</dt>
        <dd>
          <a href={data.repository_url} target="_blank" rel="noreferrer">
            {repositoryName(data.repository_url)}
          </a>
        </dd>
        <dt>Sandbox</dt>
        <dd>{data.sandbox_type}</dd>
        {data.github_issue_number !== null && (
          <>
            <dt>Issue</dt>
            <dd>#{data.github_issue_number}</dd>
          </>
        )}
        <dt>Branch</dt>
        <dd>{git.data?.git_branch_name ?? data.git_branch_name ?? '—'}</dd>
        <dt>Commits</dt>
        <dd>{git.data?.git_commit_count ?? data.git_commit_count}</dd>
        <dt>Files changed</dt>
        <dd>{git.data?.git_files_changed ?? data.git_files_changed}</dd>
        <dt>Latest commit</dt>
        <dd>{git.data?.latest_commit_message ?? '—'}</dd>
        <dt>Agent usage</dt>
        <dd className="work-order-usage">
          {usageSummary(data)} · {duration(data.agent_duration_seconds)} of agent time
        </dd>
        <dt>Budget</dt>
        <dd>{budgetSummary(data)}</dd>
        <dt>Pull request</dt>
        <dd>
          {data.github_pull_request_url ? (
            <a className="pr-link" href={data.github_pull_request_url} target="_blank" rel="noreferrer">
              {data.github_pull_request_url}
            </a>
          ) : (
            '—'
          )}
        </dd>
      </dl>
      <div className="columns">
        <section aria-labelledby="phases-heading">
          <h2 id="phases-heading">Phases</h2>
          <QueryState isPending={steps.isPending} error={steps.error} retry={() => void steps.refetch()} label="the step history" />
          {steps.data && <PhaseTracker workOrder={data} history={steps.data.steps} />}
          <PromptBox id={id} workOrder={data} />
        </section>
        <div>
          {log.error ? <QueryState isPending={false} error={log.error} retry={log.retry} label="the live log" /> : null}
          <LogView entries={log.entries} ended={log.ended} />
        </div>
      </div>
    </>
  );
}

function PromptBox({ id, workOrder }: { id: string; workOrder: AgentWorkOrder }) {
  const [text, setText] = useState('');
  const queryClient = useQueryClient();
  const send = useMutation({
    mutationFn: (promptText: string) => api.sendPrompt(id, promptText),
    onSuccess: () => {
      setText('');
      void queryClient.invalidateQueries({ queryKey: ['work-order', id] });
    },
  });
  const ended = !openStatuses.has(workOrder.status);
  return (
    <form
      className="prompt-box"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim()) send.mutate(text);
      }}
    >
      <label htmlFor="prompt-text">Prompt the agent</label>
      <textarea
        id="prompt-text"
        rows={3}
        value={text}
        disabled={ended}
        onChange={(event) => setText(event.target.value)}
        aria-describedby="prompt-hint"
        placeholder={ended ? '' : 'e.g. also add a test for the empty case'}
      />
      <p id="prompt-hint" className="muted">
        {ended ? `The work order has ${workOrder.status === 'cancelled' ? 'been cancelled' : workOrder.status === 'failed' ? 'failed' : 'completed'}: no prompt can reach it.` : workOrder.pending_prompts > 0 ? `${workOrder.pending_prompts} prompt(s) waiting for the agent.` : workOrder.status === 'waiting_for_approval' ? 'It runs once the plan is approved.' : 'The running agent reads it at its next turn.'}
      </p>
      <button type="submit" disabled={ended || send.isPending || !text.trim()}>
        {send.isPending ? 'Sending…' : 'Send prompt'}
      </button>
      {send.data && (
        <p className="ack" role="status">
          {send.data.message}
          {send.data.queued_position !== null ? ` (position ${send.data.queued_position})` : ''}
        </p>
      )}
      {send.error && (
        <p className="field-error" role="alert">
          {errorText(send.error)}
        </p>
      )}
    </form>
  );
}

function CancelButton({ id }: { id: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api.cancelWorkOrder(id),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['work-order', id] }),
  });
  return (
    <>
      <button type="button" className="danger" onClick={() => dialog.current?.showModal()} disabled={cancel.isPending || cancel.isSuccess}>
        {cancel.isSuccess ? 'Cancelling…' : 'Cancel work order'}
      </button>
      {cancel.error && <span className="field-error">{errorText(cancel.error)}</span>}
      <dialog ref={dialog} aria-labelledby="cancel-title">
        <form
          method="dialog"
          onSubmit={(event) => {
            if ((event.nativeEvent as SubmitEvent).submitter?.getAttribute('value') === 'confirm') cancel.mutate();
          }}
        >
          <h2 id="cancel-title">Cancel {id}?</h2>
          <p>The agent stops and the sandbox is cleaned up. This cannot be undone.</p>
          <div className="actions">
            <button value="keep" autoFocus>
              Keep running
            </button>
            <button value="confirm" className="danger">
              Cancel work order
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
