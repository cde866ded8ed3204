import { randomUUID } from 'node:crypto';
import { connectClient, type TemporalClientHandle } from '../../temporal/client/connection.js';

/** Tests share the global dev server's default namespace and keep apart through task queues and workflow ids. */
export const TEST_NAMESPACE = 'default';

/** Set by test/utils/global-setup.ts, which starts one dev server for the whole jest run. */
export function testTemporalAddress(): string {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) {
    throw new Error('TEMPORAL_TEST_ADDRESS is not set: run the tests through jest, whose global setup starts the Temporal dev server');
  }
  return address;
}

/** A task queue no other test polls, so a test's workers never pick up another test's workflows. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A client on the test server; close `connection` in afterAll. */
export function connectTestClient(): Promise<TemporalClientHandle> {
  return connectClient({ TEMPORAL_ADDRESS: testTemporalAddress(), TEMPORAL_NAMESPACE: TEST_NAMESPACE });
}
