import type { AgentWorkOrder, ConfiguredRepository, Settings, StepRecord, WorkOrderLogEntry } from '../client/index.js';

export const statusMark: Record<string, string> = { completed: '✓', failed: '✗', cancelled: '⊘', running: '…', pending: '·', waiting_for_approval: '?' };

export function seconds(value: number): string {
  return value < 60 ? `${value.toFixed(1)}s` : `${Math.floor(value / 60)}m${String(Math.round(value % 60)).padStart(2, '0')}s`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n');
}

export function workOrderTable(workOrders: AgentWorkOrder[]): string {
  if (workOrders.length === 0) return 'no work orders';
  return table([
    ['ID', 'STATUS', 'STEP', 'CREATED', 'REPOSITORY', 'PULL REQUEST'],
    ...workOrders.map((order) => [
      order.agent_work_order_id,
      order.status,
      order.current_step ?? '-',
      order.created_at.slice(0, 19).replace('T', ' '),
      order.repository_url,
      order.github_pull_request_url ?? '-',
    ]),
  ]);
}

export function stepLine(step: StepRecord): string {
  const mark = step.success ? '✓' : '✗';
  const error = step.success || !step.error_message ? '' : `  ${step.error_message.split('\n')[0]}`;
  return `  ${mark} ${step.step.padEnd(14)} ${seconds(step.duration_seconds).padStart(7)}${error}`;
}

export function workOrderDetails(order: AgentWorkOrder, steps: StepRecord[]): string {
  const fields: [string, unknown][] = [
    ['id', order.agent_work_order_id],
    ['status', `${statusMark[order.status] ?? ''} ${order.status}`],
    ['repository', order.repository_url],
    ['steps', order.selected_commands.join(', ')],
    ['current step', order.current_step],
    ['phase', order.current_phase],
    ['branch', order.git_branch_name],
    ['commits', order.git_commit_count],
    ['files changed', order.git_files_changed],
    ['pull request', order.github_pull_request_url],
    ['error', order.error_message],
    ['approval', order.approval === 'plan' ? (order.approval_outcome ?? (order.approval_expires_at ? `waiting until ${order.approval_expires_at}` : 'after planning')) : null],
    ['comment', order.approval_comment],
    ['created', order.created_at],
    ['updated', order.updated_at],
  ];
  const lines = fields.filter(([, value]) => value !== null && value !== undefined && value !== '').map(([name, value]) => `${`${name}:`.padEnd(15)}${String(value)}`);
  if (steps.length > 0) lines.push('step history:', ...steps.map(stepLine));
  if (order.status === 'waiting_for_approval') {
    lines.push('plan:', ...(order.plan_text ?? '').split('\n').map((line) => `  ${line}`));
    lines.push(`decide: awo approve ${order.agent_work_order_id} | awo edit-plan ${order.agent_work_order_id} --file plan.md | awo reject ${order.agent_work_order_id} --comment why`);
  }
  return lines.join('\n');
}

export function logLine(entry: WorkOrderLogEntry): string {
  const { timestamp, level, event, step, agent_work_order_id: _id, ...rest } = entry;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${timestamp.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${step ? `[${step}] ` : ''}${event}${extra}`;
}

export function repositoryTable(repositories: ConfiguredRepository[]): string {
  if (repositories.length === 0) return 'no configured repositories';
  return table([
    ['ID', 'REPOSITORY', 'DEFAULT BRANCH', 'VERIFIED', 'DEFAULT STEPS'],
    ...repositories.map((repository) => [
      repository.id,
      repository.repository_url,
      repository.default_branch ?? '-',
      repository.is_verified ? 'yes' : 'no',
      repository.default_commands.join(','),
    ]),
  ]);
}

export function settingsTable(settings: Settings): string {
  return table([
    ['SETTING', 'VALUE', 'SOURCE', 'VARIABLE'],
    ...Object.entries(settings).map(([name, view]) => [name, view.value === null ? '-' : String(view.value), view.source, `${view.env_variable}${view.error ? `  (${view.error})` : ''}`]),
  ]);
}
