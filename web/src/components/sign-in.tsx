import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';

/**
 * Shown when the API answers 401: the token goes once to POST /api/auth/session, which sets an HttpOnly cookie;
 * the page never stores it.
 */
export function SignIn({ onSignedIn }: { onSignedIn(): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const queryClient = useQueryClient();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const response = await fetch('/api/auth/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }), credentials: 'same-origin' });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { detail?: string } | null;
        setError(body?.detail ?? `Sign-in failed (HTTP ${response.status})`);
        return;
      }
      setToken('');
      onSignedIn();
      await queryClient.invalidateQueries();
    } catch {
      setError('The service did not answer (network error).');
    } finally {
      setPending(false);
    }
  };
  return (
    <form className="panel stack sign-in" onSubmit={(event) => void submit(event)} autoComplete="off">
      <h1>Sign in</h1>
      <p>This service requires an API token.</p>
      <label htmlFor="api-token">API token</label>
      <input id="api-token" type="password" autoComplete="current-password" value={token} onChange={(event) => setToken(event.target.value)} aria-describedby={error ? 'sign-in-error' : undefined} />
      {error && (
        <p id="sign-in-error" className="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={!token || pending}>
        Sign in
      </button>
    </form>
  );
}
