import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WorkOrderHarness } from '../utils/work-order-harness.js';
import { type ServiceProcess, spawnService } from './service-process.js';

/** The API entry point as an operator starts it: the token it prints, and its refusal to listen beyond loopback without one. */
describe('API token at start', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false });
  let api: ServiceProcess | undefined;

  beforeAll(async () => {
    await harness.start();
  });

  afterAll(async () => {
    await api?.stop();
    await harness.stop();
  });

  it('prints the generated API token at start, and it is the one in the 0600 token file', async () => {
    api = await spawnService(harness, 'api');
    const file = path.join(harness.config.configDir, 'api-token');
    const token = (await readFile(file, 'utf8')).trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(api.output()).toContain(`API token: ${token}`);
  });

  it('refuses to start bound beyond loopback without AWO_API_TOKEN', async () => {
    await expect(spawnService(harness, 'api', { env: { AWO_HOST: '0.0.0.0' } })).rejects.toThrow(/AWO_API_TOKEN is not set: required when the API binds beyond loopback/);
  });
});
