import { Connection } from '@temporalio/client';
import { ConfigError, loadConfig } from '../src/config.js';
import { rootLogger } from '../src/logger.js';
import { loadSecretKey } from '../src/settings/secret-box.js';
import { connectionOptions, temporalAddress } from '../temporal/client/connection.js';
import { prepareNamespace } from '../temporal/server/namespace-setup.js';

/** Closed work orders stay listable at least this long, and never less than their files are kept. */
const minimumNamespaceRetentionDays = 30;
const connectTimeoutMs = 120_000;

async function connectWhenUp(address: string): Promise<Connection> {
  const deadline = Date.now() + connectTimeoutMs;
  for (;;) {
    try {
      return await Connection.connect(connectionOptions(address));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      rootLogger.warn({ event: 'temporal_connection_retried', address, error: error instanceof Error ? error.message : String(error) }, 'temporal_connection_retried');
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/**
 * One-shot set-up of a Temporal server run elsewhere (docker compose's `setup` service): waits for it, registers the
 * namespace and the work-order search attributes, and exits 0, so the API and workers start on a ready server.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // In compose the worker runs as root: were it first to create the key file, it would be root's 0600 and the API (awo)
  // could not read it. Created here, by the setup that runs as awo before both, it is awo's 0600 for everyone.
  await loadSecretKey(config);
  const address = temporalAddress(config);
  const connection = await connectWhenUp(address);
  try {
    const retentionDays = Math.max(minimumNamespaceRetentionDays, config.AWO_RETENTION_DAYS);
    const result = await prepareNamespace(connection, config.TEMPORAL_NAMESPACE, { retentionDays, logger: rootLogger });
    console.log(
      `Temporal ${address}, namespace ${config.TEMPORAL_NAMESPACE}: ${result.namespaceCreated ? `registered (retention ${retentionDays} days)` : 'already there'}; ` +
        `search attributes ${result.added.length > 0 ? `added: ${result.added.join(', ')}` : 'already registered'}`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `Temporal setup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
