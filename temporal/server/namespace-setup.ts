import { isGrpcServiceError, type Connection } from '@temporalio/client';
// Deep import, as in search-attributes-registration.ts: the SDK's own duration-to-protobuf conversion.
import { msToTs } from '@temporalio/common/lib/time.js';
import type { Logger } from '../../src/logger.js';
import { registerSearchAttributes } from './search-attributes-registration.js';

const GRPC_ALREADY_EXISTS = 6;
const GRPC_NOT_FOUND = 5;
const GRPC_UNAVAILABLE = 14;

export interface NamespaceSetupOptions {
  /** How long Temporal keeps a closed work order's history, and so lists it. */
  retentionDays: number;
  /** Give up after this long: the server may still be starting (compose starts everything at once). */
  timeoutMs?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, retrying only what a server still starting up answers: unreachable, or a
 * namespace just created that its frontend does not know yet (namespaces propagate through a cache).
 */
async function untilReady<T>(what: string, attempt: () => Promise<T>, deadline: number, logger?: Pick<Logger, 'warn'>): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = !isGrpcServiceError(error) || error.code === GRPC_UNAVAILABLE || error.code === GRPC_NOT_FOUND;
      if (!retryable || Date.now() > deadline) throw error;
      logger?.warn({ event: 'temporal_setup_retried', step: what, error: error instanceof Error ? error.message : String(error) }, 'temporal_setup_retried');
      await sleep(2000);
    }
  }
}

/** Registers the namespace unless it exists; true when this call created it. */
async function ensureNamespace(connection: Connection, namespace: string, retentionDays: number): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return false;
  } catch (error) {
    if (!(isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND)) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      description: 'Agent Work Orders',
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
    return true;
  } catch (error) {
    // Another setup run (or a person) registered it meanwhile: what we wanted.
    if (isGrpcServiceError(error) && error.code === GRPC_ALREADY_EXISTS) return false;
    throw error;
  }
}

/**
 * What a Temporal server we did not start needs before workers and the API use it: the namespace (a plain
 * `temporalio/server` has none) and the work-order search attributes. Idempotent, so it runs on every deployment.
 */
export async function prepareNamespace(connection: Connection, namespace: string, options: NamespaceSetupOptions): Promise<{ namespaceCreated: boolean; added: string[] }> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const namespaceCreated = await untilReady('namespace', () => ensureNamespace(connection, namespace, options.retentionDays), deadline, options.logger);
  if (namespaceCreated) options.logger?.info({ event: 'temporal_namespace_registered', namespace, retention_days: options.retentionDays }, 'temporal_namespace_registered');
  const { added } = await untilReady('search_attributes', () => registerSearchAttributes(connection, namespace), deadline, options.logger);
  options.logger?.info({ event: 'temporal_search_attributes_registered', namespace, added }, 'temporal_search_attributes_registered');
  return { namespaceCreated, added };
}
