import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitForHealth(baseUrl: string, service: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (service.exitCode !== null) throw new Error(`the service exited with ${service.exitCode}:\n${output()}`);
    try {
      const health = (await (await fetch(`${baseUrl}/health`)).json()) as { status: string; reasons: string[] };
      if (health.status === 'healthy') return;
    } catch {
      // Not listening yet.
    }
    await sleep(500);
  }
  throw new Error(`the service did not become healthy:\n${output()}`);
}

export async function freePorts(how: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: how }, () => new Promise<net.Server>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

