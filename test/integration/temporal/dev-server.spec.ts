import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { createLogger } from '../../../src/logger.js';
import { DevServerCrashedError, DevServerPortInUseError, startDevServer } from '../../../temporal/server/dev-server.js';
import { customSearchAttributes, registerSearchAttributes } from '../../../temporal/server/search-attributes-registration.js';
import { findOrInstallTemporalCli } from '../../../temporal/server/temporal-cli.js';
import { workOrderSearchAttributeKeys } from '../../../workflows/search-attributes.js';
import { connectionOptions, type TemporalClientHandle } from '../../../temporal/client/connection.js';
import { connectTestClient, TEST_NAMESPACE } from '../../utils/temporal-env.js';
import { freePort } from '../../e2e/service-process.js';

const logger = createLogger('silent');

async function listCustomSearchAttributes(connection: Connection, namespace = TEST_NAMESPACE): Promise<Record<string, number>> {
  const response = await connection.operatorService.listSearchAttributes({ namespace });
  return Object.fromEntries(Object.entries(response.customAttributes ?? {}).map(([name, type]) => [name, Number(type)]));
}

async function occupiedPort(): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  return server;
}

describe('Temporal dev server of the test run', () => {
  let temporal: TemporalClientHandle;

  beforeAll(async () => {
    temporal = await connectTestClient();
  });

  afterAll(async () => {
    await temporal.connection.close();
  });

  it('is up and answers for the test namespace', async () => {
    const { namespaceInfo } = await temporal.connection.workflowService.describeNamespace({ namespace: TEST_NAMESPACE });
    expect(namespaceInfo?.name).toBe(TEST_NAMESPACE);
  });

  it('has every work-order search attribute with its declared type', async () => {
    const custom = await listCustomSearchAttributes(temporal.connection);
    for (const key of workOrderSearchAttributeKeys) {
      expect(custom[key.name]).toBe(encodeSearchAttributeIndexedValueType(key.type));
    }
  });

  it('registers search attributes idempotently', async () => {
    const first = await registerSearchAttributes(temporal.connection, TEST_NAMESPACE);
    const second = await registerSearchAttributes(temporal.connection, TEST_NAMESPACE);
    expect(first.added).toEqual([]);
    expect(second.added).toEqual([]);
    const custom = await listCustomSearchAttributes(temporal.connection);
    expect(Object.keys(custom)).toEqual(expect.arrayContaining(workOrderSearchAttributeKeys.map((key) => key.name)));
  });

  it('refuses an attribute that exists with another type', async () => {
    const [status] = customSearchAttributes();
    await expect(registerSearchAttributes(temporal.connection, TEST_NAMESPACE, [{ name: status!.name, type: 'INT' }])).rejects.toThrow(
      /exists in namespace default as KEYWORD, expected INT/,
    );
  });
});

describe('startDevServer', () => {
  let cliPath: string;
  let workDir: string;

  beforeAll(async () => {
    cliPath = await findOrInstallTemporalCli({}, logger);
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'awo-dev-server-'));
  });

  afterAll(() => {
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('fails with a clear message when its port is taken', async () => {
    const blocker = await occupiedPort();
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const start = startDevServer({ cliPath, port, uiPort: port + 1, namespace: 'default', logger });
      await expect(start).rejects.toBeInstanceOf(DevServerPortInUseError);
      await expect(start).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  /** A CLI that panics on its first `crashes` starts, then runs the real one: a Go crash during start-up. */
  function crashingCli(crashes: number): string {
    const script = path.join(workDir, `crashing-temporal-${crashes}`);
    const counter = `${script}.starts`;
    fs.writeFileSync(
      script,
      ['#!/bin/sh', `echo x >> '${counter}'`, `if [ "$(wc -l < '${counter}')" -le ${crashes} ]; then`, '  echo "panic: simulated start-up crash" >&2', '  printf "goroutine 1 [running]:\\n%.0s" $(seq 40) >&2', '  exit 2', 'fi', `exec '${cliPath}' "$@"`, ''].join('\n'),
      { mode: 0o755 },
    );
    return script;
  }

  it('starts again once when the CLI crashes during start-up', async () => {
    const server = await startDevServer({ cliPath: crashingCli(1), port: await freePort(), uiPort: await freePort(), namespace: 'default', logger });
    try {
      expect(fs.readFileSync(`${path.join(workDir, 'crashing-temporal-1')}.starts`, 'utf8').trim().split('\n')).toHaveLength(2);
      const connection = await Connection.connect(connectionOptions(server.address));
      await connection.close();
    } finally {
      await server.stop();
    }
  });

  it('fails with the panic line (not just the stack) when it crashes again', async () => {
    const start = startDevServer({ cliPath: crashingCli(2), port: await freePort(), uiPort: await freePort(), namespace: 'default', logger });
    await expect(start).rejects.toBeInstanceOf(DevServerCrashedError);
    await expect(start).rejects.toThrow(/exited during start-up \(code 2, signal null\):\npanic: simulated start-up crash/);
  });

  it('restarts on its database with the search attributes, logs to its file and stops on request', async () => {
    const dbFile = path.join(workDir, 'temporal', 'dev-server.sqlite');
    const logFile = path.join(workDir, 'temporal', 'dev-server.log');
    const blockers = [await occupiedPort(), await occupiedPort()];
    const [port, uiPort] = blockers.map((blocker) => (blocker.address() as net.AddressInfo).port);
    await Promise.all(blockers.map((blocker) => new Promise((resolve) => blocker.close(resolve))));

    for (let run = 1; run <= 2; run += 1) {
      const server = await startDevServer({ cliPath, port: port!, uiPort: uiPort!, namespace: 'awo-persistent', dbFile, logFile, logger });
      try {
        expect(server.address).toBe(`127.0.0.1:${port}`);
        expect(server.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
        const connection = await Connection.connect(connectionOptions(server.address));
        try {
          const custom = await listCustomSearchAttributes(connection, 'awo-persistent');
          expect(Object.keys(custom)).toEqual(expect.arrayContaining(workOrderSearchAttributeKeys.map((key) => key.name)));
        } finally {
          await connection.close();
        }
      } finally {
        await server.stop();
      }
      await expect(server.exited).resolves.toBeDefined();
    }
    expect(fs.existsSync(dbFile)).toBe(true);
    // SQLite's header says write-ahead logging (file format versions 2 at bytes 18 and 19).
    expect([...fs.readFileSync(dbFile).subarray(18, 20)]).toEqual([2, 2]);
    expect(fs.readFileSync(logFile, 'utf8')).toContain('Temporal Server:');
  });
});
