import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { ConfiguredRepository, SandboxType, WorkOrderStep } from '../../../client/index.js';
import { api } from '../api.js';
import { errorText, FieldErrors, QueryState } from '../components/query-state.js';
import { StepPicker } from '../components/step-picker.js';
import { mapFieldErrors } from '../field-errors.js';
import { sandboxOptions, workflowPresets } from '../workflow-presets.js';

export function RepositoriesPage() {
  const repositories = useQuery({ queryKey: ['repositories'], queryFn: () => api.listRepositories() });
  return (
    <>
      <h1>Repositories</h1>
      <AddRepositoryForm />
      <QueryState isPending={repositories.isPending} error={repositories.error} retry={() => void repositories.refetch()} label="repositories" />
      {repositories.data?.length === 0 && <p className="muted">No configured repository yet.</p>}
      <ul className="cards" aria-label="Configured repositories">
        {repositories.data?.map((repository) => <RepositoryCard key={repository.id} repository={repository} />)}
      </ul>
    </>
  );
}

function AddRepositoryForm() {
  const [url, setUrl] = useState('');
  const queryClient = useQueryClient();
  const add = useMutation({
    mutationFn: (repositoryUrl: string) => api.addRepository({ repository_url: repositoryUrl, verify: true, default_sandbox_type: 'git_worktree', default_commands: [...workflowPresets.agent_workflow_full] }),
    onSuccess: () => {
      setUrl('');
      void queryClient.invalidateQueries({ queryKey: ['repositories'] });
    },
  });
  const errors = mapFieldErrors(add.error, ['repository_url']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(url.trim());
  };
  return (
    <form className="panel stack" onSubmit={submit}>
      <h2>Add a repository</h2>
      <label htmlFor="new-repository-url">Repository URL</label>
      <input id="new-repository-url" type="url" value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://github.com/owner/repository" aria-describedby={errors.byField.repository_url ? 'new-repository-url-error' : undefined} />
      <FieldErrors id="new-repository-url-error" messages={errors.byField.repository_url ?? []} />
      <div className="actions">
        <button type="submit" className="primary" disabled={!url.trim() || add.isPending}>
          {add.isPending ? 'Verifying…' : 'Verify and add'}
        </button>
      </div>
      {errors.general.length > 0 && <p className="field-error" role="alert">{errors.general.join(' ')}</p>}
    </form>
  );
}

function RepositoryCard({ repository }: { repository: ConfiguredRepository }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [sandbox, setSandbox] = useState<SandboxType>(repository.default_sandbox_type);
  const [steps, setSteps] = useState<WorkOrderStep[]>([...repository.default_commands]);
  const [approval, setApproval] = useState(repository.default_approval === 'plan');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['repositories'] });
  const update = useMutation({ mutationFn: () => api.updateRepository(repository.id, { default_sandbox_type: sandbox as 'git_worktree' | 'git_branch', default_commands: steps, default_approval: approval ? 'plan' : 'none' }), onSuccess: () => (setEditing(false), refresh()) });
  const remove = useMutation({ mutationFn: () => api.deleteRepository(repository.id), onSuccess: refresh });
  const reverify = useMutation({ mutationFn: () => api.reverifyRepository(repository.id), onSuccess: refresh });
  const name = repository.display_name ?? `${repository.owner}/${repository.name}`;
  return (
    <li className="card">
      <div className="card-top">
        <strong>{name}</strong>
        <span className={`badge ${repository.is_verified ? 'badge-completed' : 'badge-failed'}`}>{repository.is_verified ? 'verified' : 'not verified'}</span>
        <span className="muted">default branch {repository.default_branch ?? 'unknown'}</span>
      </div>
      <div className="card-meta muted">
        <span>{repository.repository_url}</span>
        <span>sandbox {repository.default_sandbox_type}</span>
        <span>steps {repository.default_commands.join(' → ')}</span>
        {repository.default_approval === 'plan' && <span>plan approval</span>}
      </div>
      {editing ? (
        <div className="stack">
          <label>
            Default sandbox
            <select value={sandbox} onChange={(event) => setSandbox(event.target.value as SandboxType)}>
              {sandboxOptions.map((option) => (
                <option key={option.value} value={option.value} disabled={!option.enabled}>
                  {option.label}
                  {option.enabled ? '' : ' (not implemented)'}
                </option>
              ))}
            </select>
          </label>
          <StepPicker value={steps} onChange={setSteps} />
          <label className="check">
            <input type="checkbox" checked={approval} onChange={(event) => setApproval(event.target.checked)} />
            Work orders that plan wait for approval of their plan
          </label>
          <div className="actions">
            <button type="button" className="primary" onClick={() => update.mutate()} disabled={update.isPending}>
              Save defaults
            </button>
            <button type="button" onClick={() => (setSteps([...workflowPresets.agent_workflow_full]), setEditing(false))}>
              Close
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setEditing(true)} aria-label={`Edit defaults of ${name}`}>
            Edit defaults
          </button>
          <button type="button" onClick={() => reverify.mutate()} disabled={reverify.isPending} aria-label={`Verify ${name} again`}>
            Verify again
          </button>
          <button type="button" className="danger" onClick={() => window.confirm(`Delete ${name} from the configured repositories?`) && remove.mutate()} aria-label={`Delete ${name}`}>
            Delete
          </button>
        </div>
      )}
      {[update.error, remove.error, reverify.error].filter(Boolean).map((error, index) => (
        <p key={index} className="field-error" role="alert">
          {errorText(error)}
        </p>
      ))}
      {mapFieldErrors(update.error, ['default_commands', 'default_sandbox_type']).byField.default_commands?.map((message) => (
        <p key={message} className="field-error">
          {message}
        </p>
      ))}
    </li>
  );
}
