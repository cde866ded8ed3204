import { mkdir } from 'node:fs/promises';
import { ConfigError, loadConfig } from '../src/config.js';
import { rootLogger } from '../src/logger.js';
import { createNativeConnection } from './connection.js';
import { ensureTemporalServer } from './temporal-server.js';
import { createWorkOrderWorkers } from './worker.js';
import { installWorkerRuntime } from './worker-runtime.js';

/** `npm start`: the embedded Temporal dev server (unless TEMPORAL_ADDRESS is set) and the worker, in one process. */
async function main(): Promise<void> {
  const config = loadConfig();
  installWorkerRuntime(rootLogger);
  for (const dir of [config.AWO_HOME, config.repositoryDir, config.workOrderDir, config.configDir]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  const server = await ensureTemporalServer(config, rootLogger);
  const connection = await createNativeConnection(server.address);
  const workers = await createWorkOrderWorkers({ config, connection, logger: rootLogger });
  const running = workers.run();
  console.log(`Temporal server: ${server.address}${server.uiUrl ? `  (Web UI ${server.uiUrl})` : ''}`);
  console.log(`Worker: task queues ${workers.sharedTaskQueue}, ${workers.hostTaskQueue}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rootLogger.info({ event: 'service_shutdown_requested', signal }, 'service_shutdown_requested');
    await workers.shutdown();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await running;
  await connection.close();
  await server.stop();
  rootLogger.info({ event: 'service_service_stopped' }, 'service_service_stopped');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
