import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createLogger } from '../../../src/logger.js';
import { inThreadWorkflows } from '../../../temporal/worker/worker.js';
import { installWorkerRuntime } from '../../../temporal/worker/worker-runtime.js';
import { dropWorkflowStackTraceHooks } from '../../../temporal/worker/workflow-stack-hooks.js';
import { testTemporalAddress, uniqueTaskQueue } from '../../utils/temporal-env.js';

const workflows = fileURLToPath(new URL('../../fixtures/workflows/endless-activation.ts', import.meta.url));
const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * How often a promise hook asked whose a promise is: the SDK's hook asks the promise's constructor's constructor (in a
 * workflow's context, that context's Function) for the workflow's globals, so a promise class that answers that
 * question itself counts the asking.
 */
async function hookQuestions(): Promise<number> {
  let asked = 0;
  class Probe<T> extends Promise<T> {}
  Object.defineProperty(Probe, 'constructor', {
    value: () => {
      asked += 1;
      return () => undefined;
    },
  });
  await new Probe<void>((resolve) => resolve());
  return asked;
}

describe('workflow stack trace hooks', () => {
  let connection: NativeConnection;

  beforeAll(async () => {
    installWorkerRuntime(createLogger('warn'));
    connection = await NativeConnection.connect({ address: testTemporalAddress() });
  });
  afterAll(() => connection.close());

  it('are gone once the in-thread worker is made, so promises outside workflows pay nothing for them', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: workflows, logger: silent });
    const before = Error.prepareStackTrace;
    // Jest runs earlier test files in this isolate, each with its own copy of the SDK: count from what they left.
    const leftBehind = await hookQuestions();
    const worker = await Worker.create({ connection, taskQueue: uniqueTaskQueue('hooks'), workflowBundle: { code }, ...inThreadWorkflows });
    try {
      // The SDK's hook is there: every promise of this thread is asked about.
      expect(await hookQuestions()).toBeGreaterThan(leftBehind);
      expect(Error.prepareStackTrace).not.toBe(before);

      dropWorkflowStackTraceHooks();

      expect(await hookQuestions()).toBe(leftBehind);
      expect(Error.prepareStackTrace).toBe(before);
    } finally {
      await worker.runUntil(Promise.resolve());
    }
  });
});
