import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';
import type { WorkOrderHarness } from '../utils/work-order-harness.js';

/** The built entry points, started the way the README starts them (`npm start` runs dist/entrypoints/start-all.js). */
export const entryPoints = {
  all: path.join(projectRoot, 'dist', 'entrypoints', 'start-all.js'),
  api: path.join(projectRoot, 'dist', 'entrypoints', 'api-main.js'),
  worker: path.join(projectRoot, 'dist', 'entrypoints', 'worker-main.js'),
} as const;

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed, for assertions and for failure messages. */
  output(): string;
  /** SIGTERM and wait for a clean exit; returns the exit code (SIGKILL after the grace period gives null). */
  stop(graceMs?: number): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Spawns a built entry point with the harness's environment (its Temporal server, task queue, forge and scripted
 * model) on a real port, and waits until it answers /health (API entry points) or prints its start line (worker).
 */
export async function spawnService(harness: WorkOrderHarness, entry: keyof typeof entryPoints, options: { port?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [entryPoints[entry]], {
    // The worker says it is ready only at info level.
    env: { ...harness.env, AWO_HOST: '127.0.0.1', AWO_PORT: String(port), LOG_LEVEL: entry === 'worker' ? 'info' : 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.AWO_TEST_VERBOSE) process.stderr.write(chunk);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode} before it was ready:\n${output}`);
    if (entry === 'worker' ? output.includes('worker_worker_started') : await answersHealth(url)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not become ready in 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url,
    child,
    output: () => output,
    stop: async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

async function answersHealth(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(20_000) });
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}
