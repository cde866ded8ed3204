import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { CreateWorkOrderRequest, SandboxType, WorkOrderStep } from '../../../client/index.js';
import { api } from '../api.js';
import { RepositoryVerifier } from '../components/repository-verifier.js';
import { FieldErrors } from '../components/query-state.js';
import { StepPicker } from '../components/step-picker.js';
import { mapFieldErrors } from '../field-errors.js';
import { repositoryName } from '../format.js';
import { navigate } from '../router.js';
import { presetLabels, sandboxOptions, workflowPresets } from '../workflow-presets.js';

const budgetFields = [
  { key: 'max_cost_usd', label: 'Cost (USD)' },
  { key: 'max_turns', label: 'Turns (model calls)' },
  { key: 'max_duration_seconds', label: 'Agent time (seconds)' },
] as const;
type BudgetField = (typeof budgetFields)[number]['key'];
const formFields = ['repository_url', 'sandbox_type', 'selected_commands', 'workflow_type', 'user_request', 'github_issue_number', 'approval', ...budgetFields.map((field) => field.key)] as const;
type Workflow = keyof typeof workflowPresets | 'custom';

export function NewWorkOrderPage() {
  const repositories = useQuery({ queryKey: ['repositories'], queryFn: () => api.listRepositories() });
  const [repositoryUrl, setRepositoryUrl] = useState('');
  const [sandbox, setSandbox] = useState<SandboxType>('git_worktree');
  const [workflow, setWorkflow] = useState<Workflow>('agent_workflow_full');
  const [customSteps, setCustomSteps] = useState<WorkOrderStep[]>([...workflowPresets.agent_workflow_full]);
  const [request, setRequest] = useState('');
  const [issue, setIssue] = useState('');
  const [approval, setApproval] = useState(false);
  const [budget, setBudget] = useState<Record<BudgetField, string>>({ max_cost_usd: '', max_turns: '', max_duration_seconds: '' });
  const create = useMutation({
    mutationFn: (body: CreateWorkOrderRequest) => api.createWorkOrder(body),
    onSuccess: (created) => navigate(`/work-orders/${created.agent_work_order_id}`),
  });
  const errors = mapFieldErrors(create.error, formFields);
  const configured = repositories.data?.find((repository) => repository.repository_url === repositoryUrl);

  const chooseConfigured = (url: string) => {
    setRepositoryUrl(url);
    const repository = repositories.data?.find((candidate) => candidate.repository_url === url);
    if (!repository) return;
    // The repository's defaults are preselected; the user may still change them.
    setSandbox(repository.default_sandbox_type);
    setWorkflow('custom');
    setCustomSteps([...repository.default_commands]);
    setApproval(repository.default_approval === 'plan');
  };
  const steps: readonly WorkOrderStep[] = workflow === 'custom' ? customSteps : workflowPresets[workflow];
  const plans = steps.includes('planning');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: CreateWorkOrderRequest = {
      repository_url: repositoryUrl.trim(),
      sandbox_type: sandbox as CreateWorkOrderRequest['sandbox_type'],
      user_request: request,
      ...(workflow === 'custom' ? { selected_commands: customSteps } : { workflow_type: workflow }),
      ...(issue.trim() ? { github_issue_number: issue.trim() } : {}),
      // Sent either way, so a repository's default never decides behind the form's back.
      approval: approval && plans ? 'plan' : 'none',
      // Only the limits filled in: the others take the service's defaults. Not a number: sent as typed, so the 422 names it.
      ...Object.fromEntries(
        budgetFields.filter(({ key }) => budget[key].trim() !== '').map(({ key }) => [key, Number.isFinite(Number(budget[key])) ? Number(budget[key]) : budget[key].trim()]),
      ),
    };
    create.mutate(body);
  };
  const describedBy = (field: string) => (errors.byField[field] ? `${field}-error` : undefined);

  return (
    <>
      <h1>New work order</h1>
      <form className="stack" onSubmit={submit} noValidate>
        <fieldset>
          <legend>Repository</legend>
          {repositories.data && repositories.data.length > 0 && (
            <label>
              Configured repository
              <select value={configured ? repositoryUrl : ''} onChange={(event) => chooseConfigured(event.target.value)}>
                <option value="">— paste a URL below —</option>
                {repositories.data.map((repository) => (
                  <option key={repository.id} value={repository.repository_url}>
                    {repository.display_name ?? repositoryName(repository.repository_url)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label htmlFor="repository_url">Repository URL</label>
          <input
            id="repository_url"
            name="repository_url"
            type="url"
            value={repositoryUrl}
            onChange={(event) => setRepositoryUrl(event.target.value)}
            placeholder="https://github.com/owner/repository"
            aria-invalid={!!errors.byField.repository_url}
            aria-describedby={describedBy('repository_url')}
          />
          <FieldErrors id="repository_url-error" messages={errors.byField.repository_url ?? []} />
          <RepositoryVerifier url={repositoryUrl.trim()} configured={!!configured} />
        </fieldset>

        <fieldset aria-describedby={describedBy('sandbox_type')}>
          <legend>Sandbox</legend>
          {sandboxOptions.map((option) => (
            <label key={option.value} className={`check${option.enabled ? '' : ' disabled'}`}>
              <input type="radio" name="sandbox_type" value={option.value} checked={sandbox === option.value} disabled={!option.enabled} onChange={() => setSandbox(option.value)} />
              {option.label} <span className="muted">— {option.note}</span>
            </label>
          ))}
          <FieldErrors id="sandbox_type-error" messages={errors.byField.sandbox_type ?? []} />
        </fieldset>

        <fieldset>
          <legend>Workflow</legend>
          {(Object.keys(workflowPresets) as Array<keyof typeof workflowPresets>).map((preset) => (
            <label key={preset} className="check">
              <input type="radio" name="workflow" checked={workflow === preset} onChange={() => setWorkflow(preset)} />
              {presetLabels[preset]}
            </label>
          ))}
          <label className="check">
            <input type="radio" name="workflow" checked={workflow === 'custom'} onChange={() => setWorkflow('custom')} />
            Custom steps
          </label>
          {workflow === 'custom' && <StepPicker value={customSteps} onChange={setCustomSteps} describedBy={describedBy('selected_commands')} />}
          <FieldErrors id="selected_commands-error" messages={[...(errors.byField.selected_commands ?? []), ...(errors.byField.workflow_type ?? [])]} />
          <label className={`check${plans ? '' : ' disabled'}`}>
            <input type="checkbox" name="approval" checked={approval && plans} disabled={!plans} onChange={(event) => setApproval(event.target.checked)} />
            Wait for my approval of the plan before implementing {plans ? '' : '(needs the planning step)'}
          </label>
          <FieldErrors id="approval-error" messages={errors.byField.approval ?? []} />
        </fieldset>

        <label htmlFor="user_request">Request</label>
        <textarea
          id="user_request"
          name="user_request"
          rows={6}
          value={request}
          onChange={(event) => setRequest(event.target.value)}
          placeholder="What should the agent do?"
          aria-invalid={!!errors.byField.user_request}
          aria-describedby={describedBy('user_request')}
        />
        <FieldErrors id="user_request-error" messages={errors.byField.user_request ?? []} />

        <label htmlFor="github_issue_number">GitHub issue number (optional)</label>
        <input
          id="github_issue_number"
          name="github_issue_number"
          inputMode="numeric"
          value={issue}
          onChange={(event) => setIssue(event.target.value)}
          aria-invalid={!!errors.byField.github_issue_number}
          aria-describedby={describedBy('github_issue_number')}
        />
        <FieldErrors id="github_issue_number-error" messages={errors.byField.github_issue_number ?? []} />

        <fieldset>
          <legend>Budget (optional)</legend>
          <p className="muted">All steps together; an agent that passes a limit is stopped and the work order fails. Empty: the default from settings.</p>
          {budgetFields.map(({ key, label }) => (
            <div key={key}>
              <label htmlFor={key}>{label}</label>
              <input
                id={key}
                name={key}
                inputMode="decimal"
                value={budget[key]}
                onChange={(event) => setBudget({ ...budget, [key]: event.target.value })}
                aria-invalid={!!errors.byField[key]}
                aria-describedby={describedBy(key)}
              />
              <FieldErrors id={`${key}-error`} messages={errors.byField[key] ?? []} />
            </div>
          ))}
        </fieldset>

        {errors.general.length > 0 && (
          <div className="error-box" role="alert">
            {errors.general.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </div>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Starting…' : 'Start work order'}
          </button>
        </div>
      </form>
    </>
  );
}
