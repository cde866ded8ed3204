import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';
import { waitFor } from '../../utils/work-order-harness.js';

const prefix = '/api/agent-work-orders';

/** A port nothing listens on: the Temporal server the API talks to has gone away. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function timed<T>(work: () => PromiseLike<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('API without a reachable Temporal server', () => {
  let home: string;
  let api: ApiTestApp;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'awo-temporal-gone-'));
    api = await createApiTestApp({ PATH: process.env.PATH, HOME: process.env.HOME, AWO_HOME: home, LOG_LEVEL: 'silent' }, { temporalAddress: `127.0.0.1:${await closedPort()}` });
  });

  afterAll(async () => {
    await api?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('answers /health 503 unhealthy with the reason, fast', async () => {
    const { value: health, ms } = await timed(() => api.http().get('/health'));
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unhealthy', reasons: expect.arrayContaining([expect.stringMatching(/^temporal: not reachable/)]) });
    expect(ms).toBeLessThanOrEqual(5_000);
  });

  it('fails the routes that need Temporal within 2 s with 503 and Retry-After, and serves the others', async () => {
    // The background probe notices within its first round.
    await waitFor(async () => (await api.http().get(`${prefix}/`)).status === 503, 'the list to answer 503', 10_000);
    for (const request of [
      () => api.http().get(`${prefix}/`),
      () => api.http().get(`${prefix}/wo-1a2b3c4d`),
      () => api.http().post(`${prefix}/`).send({ repository_url: 'https://github.com/o/r', user_request: 'x' }),
      () => api.http().post(`${prefix}/maintenance/retention`),
    ]) {
      const { value: response, ms } = await timed(request);
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ status_code: 503, detail: expect.stringMatching(/Temporal is not reachable/) });
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(2_000);
    }
    await api.http().get(`${prefix}/settings`).expect(200);
  });
});
