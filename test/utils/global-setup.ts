import Module from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { DevServerHandle } from '../../temporal/server/dev-server.js';

/** Read by global-teardown.ts: jest runs both in the parent process, outside the tests' module registry. */
const temporalTestServerKey = Symbol.for('agent-work-orders.temporal-test-server');

type Resolver = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;

/**
 * Jest loads global setup through require() with the swc transform but without `moduleNameMapper`, so the `.js`
 * specifiers that NodeNext needs between our TypeScript files would not resolve. While the setup runs, a relative
 * `.js` request from a project file (not from node_modules) resolves to the `.ts` file beside it.
 */
function resolveProjectTypeScriptSources(): () => void {
  const moduleInternals = Module as unknown as { _resolveFilename: Resolver };
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function (this: unknown, request, parent, ...rest) {
    const fromProjectFile = parent?.filename !== undefined && !parent.filename.includes(`${path.sep}node_modules${path.sep}`);
    if (fromProjectFile && /^\.{1,2}\/.*\.js$/.test(request)) {
      const typeScriptSource = path.resolve(path.dirname(parent.filename!), request.replace(/\.js$/, '.ts'));
      if (fs.existsSync(typeScriptSource)) return original.call(this, typeScriptSource, parent, ...rest);
    }
    return original.call(this, request, parent, ...rest);
  };
  return () => {
    moduleInternals._resolveFilename = original;
  };
}

/** Two distinct ports the kernel just handed out: held together so they cannot be the same one. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1' }, () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Starts ONE Temporal dev server (in memory, with the search attributes) for the whole jest run. */
export default async function globalSetup(): Promise<void> {
  const restoreResolver = resolveProjectTypeScriptSources();
  try {
    const [{ findOrInstallTemporalCli }, { startDevServer, DevServerPortInUseError }, { createLogger }, { TEST_NAMESPACE }] = await Promise.all([
      import('../../temporal/server/temporal-cli.js'),
      import('../../temporal/server/dev-server.js'),
      import('../../src/logger.js'),
      import('./temporal-env.js'),
    ]);
    const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');

    // A developer can point the run at a server of their own; it then only needs the search attributes.
    if (process.env.TEMPORAL_TEST_ADDRESS) {
      const [{ Connection }, { registerSearchAttributes }, { connectionOptions }] = await Promise.all([
        import('@temporalio/client'),
        import('../../temporal/server/search-attributes-registration.js'),
        import('../../temporal/client/connection.js'),
      ]);
      const connection = await Connection.connect(connectionOptions(process.env.TEMPORAL_TEST_ADDRESS));
      try {
        await registerSearchAttributes(connection, TEST_NAMESPACE);
      } finally {
        await connection.close();
      }
      return;
    }

    const cliPath = await findOrInstallTemporalCli({}, logger);
    const startedAt = Date.now();
    let server: DevServerHandle | undefined;
    // The ports are free when picked but another process may take one before the server binds it: pick again once.
    for (let attempt = 1; !server; attempt += 1) {
      const [port, uiPort] = await freePorts(2);
      try {
        server = await startDevServer({ cliPath, port: port!, uiPort: uiPort!, namespace: TEST_NAMESPACE, logger });
      } catch (error) {
        if (!(error instanceof DevServerPortInUseError) || attempt >= 3) throw error;
      }
    }
    (globalThis as unknown as Record<symbol, DevServerHandle>)[temporalTestServerKey] = server;
    // Test files (in this process or in workers spawned after this) inherit the environment.
    process.env.TEMPORAL_TEST_ADDRESS = server.address;
    process.stderr.write(`\ntemporal dev server for tests: ${server.address} (UI ${server.uiUrl}), ready in ${Date.now() - startedAt} ms\n`);
  } finally {
    restoreResolver();
  }
}
