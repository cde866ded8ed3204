import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import { errorText } from './query-state.js';

/** Service health on every page: healthy, or degraded with the reasons /health gives. */
export function HealthBar() {
  const health = useQuery({ queryKey: ['health'], queryFn: () => api.health(), refetchInterval: 15_000, retry: false });
  if (health.error) {
    return (
      <div className="health health-down" role="status">
        Service unreachable: {errorText(health.error)}{' '}
        <button type="button" onClick={() => void health.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  if (!health.data) return <div className="health" role="status">Checking service health…</div>;
  return (
    <div className={`health health-${health.data.status}`} role="status" title={`version ${health.data.version}`}>
      {health.data.status === 'healthy' ? 'Service healthy' : `Service degraded: ${health.data.reasons.join('; ')}`}
    </div>
  );
}
