import type { NativeConnection } from '@temporalio/worker';

/**
 * The connection workers poll with. The worker package is imported on demand because it loads the native Core
 * bridge, which the API process (client only) has no use for.
 */
export async function createNativeConnection(address: string): Promise<NativeConnection> {
  const { NativeConnection: WorkerConnection } = await import('@temporalio/worker');
  return WorkerConnection.connect({ address });
}
