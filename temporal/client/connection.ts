import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { shutdownSafeRetryInterceptor } from './grpc-retry.js';
import type { AppConfig } from '../../src/config.js';

/** The full AppConfig fits; tests pass just an address and a namespace. */
export type TemporalConnectionConfig = Pick<AppConfig, 'TEMPORAL_NAMESPACE'> & Partial<Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'AWO_TEMPORAL_PORT'>>;

/**
 * The server to talk to: TEMPORAL_ADDRESS when set, else the embedded dev server, which listens on
 * AWO_TEMPORAL_PORT (default 7233, as in the config schema) on the loopback interface.
 */
export function temporalAddress(config: Partial<Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'AWO_TEMPORAL_PORT'>>): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.AWO_TEMPORAL_PORT ?? 7233}`;
}

export interface TemporalClientHandle {
  client: Client;
  /** Owned by the caller: close it on shutdown, the client does not. */
  connection: Connection;
}

/** Every client connection of this project: Temporal's retries, minus the crash when a retry outlives `close()`. */
export function connectionOptions(address: string, options: Omit<ConnectionOptions, 'address' | 'interceptors'> = {}): ConnectionOptions {
  return { ...options, address, interceptors: [shutdownSafeRetryInterceptor()] };
}

/** A workflow client bound to the configured namespace, on the server `temporalAddress` picks. */
export async function connectClient(config: TemporalConnectionConfig): Promise<TemporalClientHandle> {
  const connection = await Connection.connect(connectionOptions(temporalAddress(config)));
  return { client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), connection };
}
