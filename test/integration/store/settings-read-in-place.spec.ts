import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { type ConfigurationServices, openConfigurationServices } from '../../../src/settings/configuration-services.js';

/**
 * The worker reads the token and the admission limit from the SQLite store on the way to every work order's first
 * agent. Those reads must not wait for Node's thread pool, where log batches and sandbox files queue: here the pool is
 * held on purpose (every thread blocked opening a FIFO nobody writes), and a setting another process saved must still
 * be read at once.
 */
describe('settings reads of the SQLite store while the thread pool is busy', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  const opened: ConfigurationServices[] = [];

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'awo-settings-in-place-'));
    env = { AWO_HOME: home, PATH: process.env.PATH, AWO_SECRET_KEY: randomBytes(32).toString('hex') };
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((services) => services.close()));
    await rm(home, { recursive: true, force: true });
  });

  async function services(): Promise<ConfigurationServices> {
    const opening = await openConfigurationServices(loadConfig(env), env);
    opened.push(opening);
    return opening;
  }

  it('reads a value another process saved, unchanged values too, without the thread pool', async () => {
    const api = await services();
    const worker = await services();
    expect(await worker.settings.maxConcurrent()).toBe(5);
    await api.settings.update({ max_concurrent: 3, github_token: 'ghp_savedWhileThePoolIsBusy0000000001' });

    const pool = await holdThreadPool(home);
    try {
      // Resolves only once a pool thread is free again: proof that the pool is held while the settings are read.
      const poolFree = stat(home).then(() => 'the thread pool answered first' as const);
      const read = Promise.all([worker.settings.maxConcurrent(), worker.settings.githubToken(), worker.settings.maxConcurrent()]);
      const first = await Promise.race([read, poolFree, delay(10_000).then(() => 'the read waited for the thread pool' as const)]);
      expect(first).toEqual([3, 'ghp_savedWhileThePoolIsBusy0000000001', 3]);
    } finally {
      await pool.release();
    }
  });
});

/**
 * Blocks every thread of libuv's pool in `open()` of a FIFO without a writer. Release opens it read-write (on Linux
 * that never blocks and counts as a writer), which lets every pending open through.
 */
async function holdThreadPool(folder: string): Promise<{ release(): Promise<void> }> {
  const fifo = path.join(folder, 'pool-holder.fifo');
  execFileSync('mkfifo', [fifo]);
  const size = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? '', 10) || 4;
  const readers: Array<Promise<FileHandle>> = Array.from({ length: size }, () => open(fifo, 'r'));
  return {
    async release() {
      const writer = openSync(fifo, constants.O_RDWR);
      try {
        await Promise.all(readers.map(async (reader) => (await reader).close()));
      } finally {
        closeSync(writer);
      }
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
