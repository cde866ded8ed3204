import { DependencyUnavailableError } from '../core/api-errors.js';

/** The error and its causes: the SDK wraps gRPC status errors in ServiceErrors a level or two down. */
export function causeChain(error: unknown): Array<{ code?: unknown; message?: string }> {
  const chain: Array<{ code?: unknown; message?: string }> = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    chain.push(current as { code?: unknown; message?: string });
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4), wherever the SDK put it in the cause chain. */
export function isTemporalUnavailable(error: unknown): boolean {
  return causeChain(error).some(({ code }) => code === 14 || code === 4);
}

/** A deadline ran out (e.g. no worker answered a query in time), as opposed to a server that cannot be reached. */
export function isDeadline(error: unknown): boolean {
  return causeChain(error).some(({ code, message }) => code === 4 || /deadline/i.test(message ?? ''));
}

export function temporalUnavailable(_error: unknown): DependencyUnavailableError {
  return new DependencyUnavailableError('temporal', 'Temporal is not reachable; try again shortly');
}
