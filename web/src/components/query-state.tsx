import { ApiRequestError } from '../../../client/index.js';
import { statusLabel } from '../format.js';

export function errorText(error: unknown): string {
  if (error instanceof ApiRequestError) return error.detail;
  if (error instanceof TypeError) return 'The service did not answer (network error).';
  return error instanceof Error ? error.message : String(error);
}

/** Loading and error states of a request: an error always offers a retry, never a blank page. */
export function QueryState({ isPending, error, retry, label }: { isPending: boolean; error: unknown; retry: () => void; label: string }) {
  if (error) {
    return (
      <div className="error-box" role="alert">
        <p>
          Could not load {label}: {errorText(error)}
        </p>
        <button type="button" onClick={retry}>
          Retry
        </button>
      </div>
    );
  }
  if (isPending) return <p className="muted" role="status">Loading {label}…</p>;
  return null;
}

/** A field's server-side messages (422), placed under the field with an id the field's aria-describedby points to. */
export function FieldErrors({ id, messages }: { id: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <p className="field-error" id={id} role="alert">
      {messages.join('; ')}
    </p>
  );
}

export function StatusBadge({ status, queuePosition }: { status: string; queuePosition?: number | null }) {
  return (
    <span className={`badge badge-${status}`}>
      {statusLabel(status)}
      {status === 'pending' && queuePosition ? ` #${queuePosition} in queue` : ''}
    </span>
  );
}
