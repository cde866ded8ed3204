import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { homeHealth } from '../../../api/health/worker-host-health.js';
import { loadConfig } from '../../../src/config.js';
import { makeFolder } from '../../../src/files/make-folder.js';
import { prepareHome } from '../../../src/home.js';

// A real read-only file system needs a mount, which needs root (CI runs as root); elsewhere there is nothing to mount.
const runningAsRoot = process.getuid?.() === 0;

(runningAsRoot ? describe : describe.skip)('a home on a file system that turned read-only', () => {
  let mountPoint: string;

  beforeAll(async () => {
    mountPoint = await mkdtemp(path.join(os.tmpdir(), 'awo-read-only-'));
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mountPoint]);
    for (const part of ['repositories', 'work-orders', 'config', 'temporal']) await mkdir(path.join(mountPoint, part), { mode: 0o700 });
    await execa('mount', ['-o', 'remount,ro', mountPoint]);
  });
  afterAll(async () => {
    await execa('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it('says "read-only file system" when a folder is created there, not ENOENT', async () => {
    const sandboxParent = path.join(mountPoint, 'work-orders', 'wo-12345678');
    await expect(makeFolder(path.join(sandboxParent, 'sandbox'))).rejects.toThrow(`EROFS: read-only file system, cannot create ${path.join(sandboxParent, 'sandbox')}`);
  });

  it('refuses to start naming the read-only file system, not ownership', async () => {
    await expect(prepareHome(loadConfig({ AWO_HOME: mountPoint }))).rejects.toThrow(/is on a read-only file system/);
    await expect(prepareHome(loadConfig({ AWO_HOME: mountPoint }))).rejects.not.toThrow(/chown/);
  });

  it('reports the home unhealthy in /health', async () => {
    const config = loadConfig({ AWO_HOME: mountPoint });
    expect(await homeHealth(config)).toEqual({
      healthy: false,
      detail: `AWO_WORK_ORDER_DIR (${config.workOrderDir}) is on a read-only file system: work orders cannot write their sandboxes, logs or settings`,
    });
  });
});
