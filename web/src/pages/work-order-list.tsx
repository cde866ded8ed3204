import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { AgentWorkOrder, WorkOrderStatus } from '../../../client/index.js';
import { api } from '../api.js';
import { QueryState, StatusBadge } from '../components/query-state.js';
import { age, duration, firstLine, openStatuses, repositoryName, statusLabel } from '../format.js';
import { Link } from '../router.js';

const statuses: WorkOrderStatus[] = ['pending', 'running', 'waiting_for_approval', 'completed', 'failed', 'cancelled'];

/** The spec's 3 s polling, as one list request per interval however many cards, and only while one is open. */
const pollMs = 3000;

export function WorkOrderListPage() {
  const [status, setStatus] = useState('');
  const [repository, setRepository] = useState('');
  const [search, setSearch] = useState('');
  const list = useQuery({
    queryKey: ['work-orders'],
    queryFn: () => api.listWorkOrders({ limit: 200 }),
    refetchInterval: (query) => (query.state.data?.some((workOrder) => openStatuses.has(workOrder.status)) ? pollMs : false),
  });
  const repositories = useMemo(() => [...new Set((list.data ?? []).map((workOrder) => workOrder.repository_url))].sort(), [list.data]);
  const shown = (list.data ?? []).filter(
    (workOrder) =>
      (status === '' || workOrder.status === status) &&
      (repository === '' || workOrder.repository_url === repository) &&
      (search.trim() === '' || workOrder.user_request.toLowerCase().includes(search.trim().toLowerCase())),
  );

  return (
    <>
      <div className="page-header">
        <h1>Work orders</h1>
        <Link className="button primary" href="/work-orders/new">
          New work order
        </Link>
      </div>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value="">all</option>
            {statuses.map((name) => (
              <option key={name} value={name}>
                {statusLabel(name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Repository
          <select value={repository} onChange={(event) => setRepository(event.target.value)}>
            <option value="">all</option>
            {repositories.map((url) => (
              <option key={url} value={url}>
                {repositoryName(url)}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          Search requests
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="words in the request" />
        </label>
      </form>
      <QueryState isPending={list.isPending} error={list.error} retry={() => void list.refetch()} label="work orders" />
      {list.data && shown.length === 0 && <p className="muted">{list.data.length === 0 ? 'No work orders yet.' : 'No work order matches the filters.'}</p>}
      <ul className="cards" aria-label="Work orders">
        {shown.map((workOrder) => (
          <WorkOrderCard key={workOrder.agent_work_order_id} workOrder={workOrder} />
        ))}
      </ul>
    </>
  );
}

function WorkOrderCard({ workOrder }: { workOrder: AgentWorkOrder }) {
  const ended = !openStatuses.has(workOrder.status);
  const runSeconds = (Date.parse(workOrder.updated_at) - Date.parse(workOrder.created_at)) / 1000;
  return (
    <li className="card">
      <div className="card-top">
        <StatusBadge status={workOrder.status} queuePosition={workOrder.queue_position} />
        <span className="muted">{repositoryName(workOrder.repository_url)}</span>
        <span className="muted right" title={workOrder.created_at}>
          {age(workOrder.created_at)}
          {ended && runSeconds >= 0 ? ` · took ${duration(runSeconds)}` : ''}
        </span>
      </div>
      <Link className="card-title" href={`/work-orders/${workOrder.agent_work_order_id}`}>
        {firstLine(workOrder.user_request) || workOrder.agent_work_order_id}
      </Link>
      <div className="card-meta muted">
        <span>{workOrder.agent_work_order_id}</span>
        {workOrder.current_step && (
          <span>
            step {workOrder.current_step}
            {workOrder.current_phase ? ` (${workOrder.current_phase})` : ''}
          </span>
        )}
        {workOrder.git_branch_name && <span>branch {workOrder.git_branch_name}</span>}
        <span>
          {workOrder.git_commit_count} commits · {workOrder.git_files_changed} files
        </span>
        {workOrder.github_pull_request_url && (
          <a href={workOrder.github_pull_request_url} target="_blank" rel="noreferrer">
            pull request
          </a>
        )}
      </div>
    </li>
  );
}
