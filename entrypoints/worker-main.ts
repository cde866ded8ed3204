import { ConfigError, loadConfig } from '../src/config.js';
import { prepareHome } from '../src/home.js';
import { rootLogger } from '../src/logger.js';
import { temporalAddress } from '../temporal/client/connection.js';
import { createNativeConnection } from '../temporal/worker/native-connection.js';
import { createWorkOrderWorkers } from '../temporal/worker/worker.js';
import { keepWorkersRunning } from '../temporal/worker/worker-restart-loop.js';
import { installWorkerRuntime } from '../temporal/worker/worker-runtime.js';

/** Starts only the worker, against TEMPORAL_ADDRESS (or the embedded server's port): for scaling out and compose. */
async function main(): Promise<void> {
  const config = loadConfig();
  installWorkerRuntime(rootLogger);
  await prepareHome(config, rootLogger);
  const connection = await createNativeConnection(temporalAddress(config));
  const createWorkers = () => createWorkOrderWorkers({ config, connection, logger: rootLogger });
  // Like `npm start`: workers whose polls failed for good while Temporal was away are created again, so a worker
  // host outlives an outage of any length without a process supervisor.
  const workers = keepWorkersRunning(await createWorkers(), createWorkers, rootLogger);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      rootLogger.info({ event: 'worker_shutdown_requested', signal }, 'worker_shutdown_requested');
      void workers.shutdown();
    });
  }
  rootLogger.info({ event: 'worker_worker_started', address: temporalAddress(config), shared_task_queue: workers.sharedTaskQueue, host_task_queue: workers.hostTaskQueue }, 'worker_worker_started');
  await workers.running;
  await connection.close();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    rootLogger.fatal({ event: 'worker_worker_crashed', error: error instanceof Error ? error.message : String(error) }, 'worker_worker_crashed');
  }
  process.exit(1);
});
