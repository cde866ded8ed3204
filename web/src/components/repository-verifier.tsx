import { useMutation, useQueryClient } from '@tanstack/react-query';
import { workflowPresets } from '../workflow-presets.js';
import { api } from '../api.js';
import { errorText } from './query-state.js';

/** "Verify" for a pasted URL: access, default branch or the reason it failed, and an offer to save it. */
export function RepositoryVerifier({ url, configured }: { url: string; configured: boolean }) {
  const queryClient = useQueryClient();
  const verify = useMutation({ mutationFn: (repositoryUrl: string) => api.verifyRepository(repositoryUrl) });
  const save = useMutation({
    mutationFn: (repositoryUrl: string) => api.addRepository({ repository_url: repositoryUrl, verify: true, default_sandbox_type: 'git_worktree', default_commands: [...workflowPresets.agent_workflow_full] }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['repositories'] }),
  });
  const result = verify.data && verify.variables === url ? verify.data : null;
  return (
    <div className="verifier">
      <button type="button" onClick={() => verify.mutate(url)} disabled={!url.trim() || verify.isPending}>
        {verify.isPending ? 'Verifying…' : 'Verify'}
      </button>
      <span role="status" className="verify-result">
        {verify.error && <span className="field-error">{errorText(verify.error)}</span>}
        {result &&
          (result.is_accessible ? (
            <span className="ok">
              Accessible{result.repository_owner ? ` (${result.repository_owner}/${result.repository_name})` : ''}, default branch {result.default_branch ?? 'unknown'}
            </span>
          ) : (
            <span className="field-error">Not accessible: {result.error_message ?? 'no reason given'}</span>
          ))}
      </span>
      {result?.is_accessible && !configured && (
        <button type="button" onClick={() => save.mutate(url)} disabled={save.isPending || save.isSuccess}>
          {save.isSuccess ? 'Saved as configured repository' : 'Save as configured repository'}
        </button>
      )}
      {save.error && <span className="field-error">{errorText(save.error)}</span>}
    </div>
  );
}
