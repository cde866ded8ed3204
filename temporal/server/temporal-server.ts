import { mkdir } from 'node:fs/promises';
import { Connection } from '@temporalio/client';
import type { AppConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { devServerOptionsFromConfig } from './dev-server.js';
import { superviseDevServer } from './dev-server-supervisor.js';
import { registerSearchAttributes } from './search-attributes-registration.js';
import { findOrInstallTemporalCli } from './temporal-cli.js';
import { connectionOptions } from '../client/connection.js';

export interface TemporalServerHandle {
  address: string;
  /** The Web UI of the embedded server; null when connecting to a server run elsewhere. */
  uiUrl: string | null;
  /** The embedded server's current pid (it changes when it is restarted); null for a server run elsewhere. */
  pid(): number | null;
  stop(): Promise<void>;
}

/**
 * TEMPORAL_ADDRESS unset: start the embedded dev server (histories under AWO_HOME/temporal, Web UI on its port), and
 * restart it whenever it dies.
 * Set: use that server, and make sure it knows our search attributes.
 */
export async function ensureTemporalServer(config: AppConfig, logger: Logger): Promise<TemporalServerHandle> {
  if (config.TEMPORAL_ADDRESS) {
    const connection = await Connection.connect(connectionOptions(config.TEMPORAL_ADDRESS));
    try {
      const { added } = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
      if (added.length > 0) logger.info({ event: 'temporal_search_attributes_registered', added }, 'temporal_search_attributes_registered');
    } finally {
      await connection.close();
    }
    return { address: config.TEMPORAL_ADDRESS, uiUrl: null, pid: () => null, stop: async () => undefined };
  }
  await mkdir(config.temporalDir, { recursive: true, mode: 0o700 });
  const cliPath = await findOrInstallTemporalCli(config, logger);
  const server = await superviseDevServer(devServerOptionsFromConfig(config, cliPath, logger), {
    initialBackoffMs: config.AWO_TEMPORAL_RESTART_DELAY_MS,
  });
  return { address: server.address, uiUrl: server.uiUrl, pid: () => server.pid(), stop: () => server.stop() };
}
