import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { AppConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { customSearchAttributes, registerSearchAttributes } from './search-attributes-registration.js';
import { connectionOptions } from '../client/connection.js';

/** The dev server listens on loopback only: it has no authentication. */
const HOST = '127.0.0.1';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort: number;
  namespace: string;
  logger: Logger;
  /** SQLite file that keeps workflow histories across restarts; in memory when absent (tests). */
  dbFile?: string;
  /** Receives the server's own output, which would drown our structured logs; kept only as a tail when absent. */
  logFile?: string;
  /** How long to wait for the server to accept requests before giving up. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

export interface DevServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DevServerHandle {
  /** gRPC `host:port` for clients and workers. */
  address: string;
  uiUrl: string;
  pid: number;
  /** Settles when the process ends, whether through `stop()` or on its own (a crash the caller may want to act on). */
  exited: Promise<DevServerExit>;
  /** SIGTERM, then SIGKILL after the grace period; safe to call more than once. */
  stop(): Promise<void>;
}

export class DevServerPortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly role: 'gRPC' | 'Web UI',
  ) {
    const variable = role === 'gRPC' ? 'AWO_TEMPORAL_PORT' : 'AWO_TEMPORAL_UI_PORT';
    const hint = role === 'gRPC' ? `; to use the server already there, set TEMPORAL_ADDRESS=${HOST}:${port}` : '';
    super(`Temporal dev server ${role} port ${port} on ${HOST} is already in use: choose another ${variable}${hint}`);
    this.name = 'DevServerPortInUseError';
  }
}

/** The embedded server's files live under AWO_HOME/temporal so histories survive restarts of the service. */
export function devServerOptionsFromConfig(
  config: Pick<AppConfig, 'AWO_TEMPORAL_PORT' | 'AWO_TEMPORAL_UI_PORT' | 'TEMPORAL_NAMESPACE' | 'temporalDir'>,
  cliPath: string,
  logger: Logger,
): DevServerOptions {
  return {
    cliPath,
    port: config.AWO_TEMPORAL_PORT,
    uiPort: config.AWO_TEMPORAL_UI_PORT,
    namespace: config.TEMPORAL_NAMESPACE,
    dbFile: path.join(config.temporalDir, 'dev-server.sqlite'),
    logFile: path.join(config.temporalDir, 'dev-server.log'),
    logger,
  };
}

/** The CLI spells types in PascalCase (`KeywordList`), the SDK in upper snake case (`KEYWORD_LIST`). */
function cliSearchAttributeType(type: SearchAttributeType): string {
  return type
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

export function devServerArguments(options: Pick<DevServerOptions, 'port' | 'uiPort' | 'namespace' | 'dbFile'>): string[] {
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(options.port), '--ui-port', String(options.uiPort)];
  if (options.dbFile) {
    // Write-ahead log, synced at checkpoints rather than at every commit: each workflow task, activity start and
    // completion is a commit, and SQLite's default rollback journal (several syncs each) put 5-20 ms into every task
    // dispatch. A crash of any process (the service, the dev server) still loses nothing; a power cut may lose the
    // last commits, never the database.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  args.push('--namespace', options.namespace);
  for (const { name, type } of customSearchAttributes()) args.push('--search-attribute', `${name}=${cliSearchAttributeType(type)}`);
  // The UI would otherwise fetch a news feed from the internet on every page load.
  args.push('--ui-disable-news-fetch', '--log-level', 'warn');
  return args;
}

/** Binding first gives a clear error instead of the CLI's exit a moment later; the CLI's own message is still checked. */
async function assertPortFree(port: number, role: DevServerPortInUseError['role']): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new DevServerPortInUseError(port, role) : error));
    probe.listen({ port, host: HOST, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** The last lines of the server's output, for error messages when it dies during start-up. */
class OutputTail {
  private text = '';
  /** A Go panic prints its cause first and then a long stack that would push the cause out of the tail. */
  private panicLine: string | undefined;
  append(chunk: Buffer): void {
    const text = chunk.toString('utf8');
    this.panicLine ??= /^(panic|fatal error): .*$/m.exec(text)?.[0];
    this.text = (this.text + text).slice(-8_000);
  }
  lines(count = 15): string {
    const last = this.text.trim().split('\n').slice(-count).join('\n');
    return this.panicLine && !last.includes(this.panicLine) ? `${this.panicLine}\n...\n${last}` : last;
  }
  crashed(): boolean {
    return this.panicLine !== undefined;
  }
}

/** The CLI crashed (a Go panic) before it answered; unlike a taken port, starting it again may well work. */
export class DevServerCrashedError extends Error {}

/**
 * Starts `temporal server start-dev` with the work-order search attributes and resolves once the namespace answers.
 * The search attributes are also registered through the operator service because the CLI only applies its
 * `--search-attribute` flags to a new database: keys added later would be missing from a persistent one.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServerHandle> {
  try {
    return await startDevServerOnce(options);
  } catch (error) {
    if (!(error instanceof DevServerCrashedError)) throw error;
    // Seen on a restart on the same database right after a stop; the supervisor would retry too, but a caller that
    // starts the server once (tests, `npm start`) should not fail on a crash the next attempt does not repeat.
    options.logger.warn({ event: 'temporal_dev_server_start_retried', error_message: error.message }, 'temporal_dev_server_start_retried');
    return startDevServerOnce(options);
  }
}

async function startDevServerOnce(options: DevServerOptions): Promise<DevServerHandle> {
  const { cliPath, port, uiPort, namespace, logger, dbFile, logFile, startTimeoutMs = 60_000, stopTimeoutMs = 10_000 } = options;
  const startedAt = Date.now();
  await assertPortFree(port, 'gRPC');
  await assertPortFree(uiPort, 'Web UI');
  for (const file of [dbFile, logFile]) if (file) fs.mkdirSync(path.dirname(file), { recursive: true });

  const child = spawn(cliPath, devServerArguments({ port, uiPort, namespace, dbFile }), { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new OutputTail();
  const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      tail.append(chunk);
      logStream?.write(chunk);
    });
  }

  let stopping = false;
  const exited = new Promise<DevServerExit>((resolve) => {
    child.once('error', (error) => {
      tail.append(Buffer.from(`${error.message}\n`));
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // Without this, a service that crashes would leave the server holding its ports for the next start.
  const killOnParentExit = () => child.kill('SIGTERM');
  process.once('exit', killOnParentExit);
  void exited.then(({ code, signal }) => {
    process.removeListener('exit', killOnParentExit);
    logStream?.end();
    if (stopping) logger.info({ event: 'temporal_dev_server_stopped', pid: child.pid, code, signal }, 'temporal_dev_server_stopped');
    else logger.error({ event: 'temporal_dev_server_exited', pid: child.pid, code, signal, output: tail.lines() }, 'temporal_dev_server_exited');
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return void (await exited);
      child.kill('SIGTERM');
      // The grace timer is cancelled on exit: a pending timer would hold the caller's process open for its length.
      const graceTimer = new AbortController();
      const graceful = await Promise.race([
        exited.then(() => true),
        sleep(stopTimeoutMs, false, { signal: graceTimer.signal }).catch(() => true),
      ]);
      graceTimer.abort();
      if (!graceful) {
        child.kill('SIGKILL');
        await exited;
      }
    })();
    return stopped;
  };

  const address = `${HOST}:${port}`;
  try {
    const connection = await waitUntilReady(address, namespace, exited, startTimeoutMs, tail);
    try {
      await registerSearchAttributes(connection, namespace);
    } finally {
      await connection.close();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const uiUrl = `http://${HOST}:${uiPort}`;
  logger.info(
    { event: 'temporal_dev_server_started', address, ui_url: uiUrl, pid: child.pid, db_file: dbFile ?? null, log_file: logFile ?? null, duration_ms: Date.now() - startedAt },
    'temporal_dev_server_started',
  );
  return { address, uiUrl, pid: child.pid!, exited, stop };
}

/** The CLI's own words when a port is taken, e.g. "can't set UI port 8233: listen tcp ...: address already in use". */
function portInUseFromOutput(output: string): DevServerPortInUseError | undefined {
  const match = /can't set (\w+) port (\d+):.*address already in use/i.exec(output);
  if (!match) return undefined;
  return new DevServerPortInUseError(Number(match[2]), match[1]!.toUpperCase() === 'UI' ? 'Web UI' : 'gRPC');
}

/** Resolves with a connection once the namespace answers; fails fast if the process dies first. */
async function waitUntilReady(
  address: string,
  namespace: string,
  exited: Promise<DevServerExit>,
  timeoutMs: number,
  tail: OutputTail,
): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let processExit: DevServerExit | undefined;
  void exited.then((exit) => (processExit = exit));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (processExit) {
      const output = tail.lines();
      const message = `Temporal dev server exited during start-up (code ${processExit.code}, signal ${processExit.signal}):\n${output}`;
      throw portInUseFromOutput(output) ?? (tail.crashed() ? new DevServerCrashedError(message) : new Error(message));
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect(connectionOptions(address, { connectTimeout: '1s' }));
      const ready = connection;
      await ready.withDeadline(Date.now() + 5_000, () => ready.workflowService.describeNamespace({ namespace }));
      return ready;
    } catch (error) {
      lastError = error;
      await connection?.close();
      await sleep(100);
    }
  }
  throw new Error(`Temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}\n${tail.lines()}`, { cause: lastError });
}
