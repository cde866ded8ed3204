import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createLogger } from '../../../src/logger.js';
import { inThreadWorkflows } from '../../../temporal/worker/worker.js';
import { installWorkerRuntime } from '../../../temporal/worker/worker-runtime.js';
import { connectTestClient, testTemporalAddress, uniqueTaskQueue } from '../../utils/temporal-env.js';

const endlessWorkflows = fileURLToPath(new URL('../../fixtures/workflows/endless-activation.ts', import.meta.url));
const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The service runs workflows in its main thread (the worker options of temporal/worker/worker.ts): a workflow whose
 * activation never yields must still fail its workflow task after the limit instead of holding the process for good.
 */
describe('workflows in the worker thread', () => {
  let client: Client;
  let closeClient: () => Promise<void>;
  let connection: NativeConnection;

  beforeAll(async () => {
    installWorkerRuntime(createLogger('warn'));
    const handle = await connectTestClient();
    client = handle.client;
    closeClient = () => handle.connection.close();
    connection = await NativeConnection.connect({ address: testTemporalAddress() });
  });

  afterAll(async () => {
    await connection.close();
    await closeClient();
  });

  it('fails an activation that never yields, and the process goes on serving', async () => {
    const taskQueue = uniqueTaskQueue('endless');
    const { code } = await bundleWorkflowCode({ workflowsPath: endlessWorkflows, logger: silent });
    const worker = await Worker.create({ connection, taskQueue, workflowBundle: { code }, ...inThreadWorkflows });

    const failure = await worker.runUntil(async () => {
      const handle = await client.workflow.start('endlessActivation', { taskQueue, workflowId: `endless-${taskQueue}` });
      try {
        for (;;) {
          const { events } = await handle.fetchHistory();
          const failed = events?.find((event) => event.workflowTaskFailedEventAttributes);
          if (failed) return failed.workflowTaskFailedEventAttributes?.failure?.message ?? '';
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        await handle.terminate('test over');
      }
    });

    expect(failure).toMatch(/timed out after 5000ms/);
  });
});
