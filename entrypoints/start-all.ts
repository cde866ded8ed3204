import 'reflect-metadata';
import { apiTokenLines, type ApiServerHandle, startApiServer } from '../api/api-server.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { prepareHome } from '../src/home.js';
import { rootLogger } from '../src/logger.js';
import { Client } from '@temporalio/client';
import { connectClient } from '../temporal/client/connection.js';
import { createNativeConnection } from '../temporal/worker/native-connection.js';
import { ensureTemporalServer } from '../temporal/server/temporal-server.js';
import { createWorkOrderWorkers } from '../temporal/worker/worker.js';
import { EarlyPrepares } from '../temporal/worker/early-prepares.js';
import { keepWorkersRunning } from '../temporal/worker/worker-restart-loop.js';
import { installWorkerRuntime } from '../temporal/worker/worker-runtime.js';
import { temporalUiUrl } from '../api/info/info.controller.js';
import { formatStartBanner } from './start-banner.js';

/**
 * `npm start`: the embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the API, in one
 * process. Ctrl-C / SIGTERM stops them in reverse order: the API first (no new work orders), then the worker, then the
 * server.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  installWorkerRuntime(rootLogger);
  await prepareHome(config, rootLogger);
  const server = await ensureTemporalServer(config, rootLogger);
  const connection = await createNativeConnection(server.address);
  // The API's early prepares reach this process's workers, whichever one is running (they are made again after a failure).
  const earlyPrepares = new EarlyPrepares();
  const createWorkers = () => createWorkOrderWorkers({ config, connection, logger: rootLogger, earlyPrepares });
  const workers = keepWorkersRunning(await createWorkers(), createWorkers, rootLogger);
  const running = workers.running;
  const temporalClient = await connectClient({ ...config, TEMPORAL_ADDRESS: server.address });

  let stopping = false;
  let api: ApiServerHandle | null = null;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rootLogger.info({ event: 'service_shutdown_requested', signal }, 'service_shutdown_requested');
    await api?.close().catch((error: unknown) => rootLogger.error({ event: 'service_api_stop_failed', error: String(error) }, 'service_api_stop_failed'));
    await workers.shutdown();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    // Starts go through the workers' own connection: eager workflow start hands the first task to them directly.
    const eagerStartClient = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    api = await startApiServer({ config, temporalClient: temporalClient.client, eagerStartClient, earlyPrepares, logger: rootLogger });
  } catch (error) {
    await stop('start-failure');
    await running.catch(() => undefined);
    await temporalClient.connection.close();
    await connection.close();
    await server.stop();
    throw error;
  }
  const health = await api.health();
  console.log(
    formatStartBanner({
      version: health.version,
      apiUrl: api.url,
      temporalAddress: server.address,
      temporalUiUrl: server.uiUrl ?? temporalUiUrl(config),
      taskQueues: [workers.sharedTaskQueue, workers.hostTaskQueue],
      home: config.AWO_HOME,
      notes: apiTokenLines(api.auth),
      problems: health.reasons,
    }),
  );

  await running;
  await temporalClient.connection.close();
  await connection.close();
  await server.stop();
  rootLogger.info({ event: 'service_service_stopped' }, 'service_service_stopped');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
