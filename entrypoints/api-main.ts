import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config.js';
import { prepareHome } from '../src/home.js';
import { rootLogger } from '../src/logger.js';
import { connectClient, temporalAddress } from '../temporal/client/connection.js';
import { apiTokenLines, startApiServer } from '../api/api-server.js';
import { temporalUiUrl } from '../api/info/info.controller.js';
import { formatStartBanner } from './start-banner.js';

/** Starts only the API, against TEMPORAL_ADDRESS (or the embedded server's port): for replicas and compose. */
async function main(): Promise<void> {
  const config = loadConfig();
  // The API reads work-order logs from the shared folders, and may be the first process to start on a fresh volume.
  await prepareHome(config, rootLogger);
  const { client, connection } = await connectClient(config);
  const api = await startApiServer({ config, temporalClient: client, logger: rootLogger });
  const health = await api.health();
  console.log(formatStartBanner({ version: health.version, apiUrl: api.url, temporalAddress: temporalAddress(config), temporalUiUrl: temporalUiUrl(config), home: config.AWO_HOME, notes: apiTokenLines(api.auth), problems: health.reasons }));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rootLogger.info({ event: 'api_shutdown_requested', signal }, 'api_shutdown_requested');
    await api.close();
    await connection.close();
    rootLogger.info({ event: 'api_server_stopped' }, 'api_server_stopped');
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `API start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
