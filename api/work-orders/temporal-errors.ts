import { DependencyUnavailableError } from '../core/api-errors.js';

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4), wherever the SDK put it in the cause chain. */
export function isTemporalUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (code === 14 || code === 4) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function temporalUnavailable(_error: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError('temporal', 'Temporal is not reachable; try again shortly');
}
