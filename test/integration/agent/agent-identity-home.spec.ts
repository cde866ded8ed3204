import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { prepareAgentIdentity } from '../../../src/agent/agent-identity.js';

const runningAsRoot = process.getuid?.() === 0;

// Only a root worker switches the agent to its own user; a non-root run has nothing to open (see agent-isolation.spec).
(runningAsRoot ? describe : describe.skip)('agent folders under a closed parent (worker as root)', () => {
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'awo-identity-'));
    await chmod(scratch, 0o755);
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('opens the worker home folder (0700, like /root) for entering only, so the default AWO_HOME works', async () => {
    const home = path.join(scratch, 'root-home');
    const awoHome = path.join(home, '.awo');
    await mkdir(home, { mode: 0o700 });
    await chmod(home, 0o700);

    const identity = await prepareAgentIdentity({
      AWO_HOME: awoHome,
      workOrderDir: path.join(awoHome, 'work-orders'),
      repositoryDir: path.join(awoHome, 'repositories'),
      workerHome: home,
    });

    expect(identity.isolated).toBe(true);
    expect((await stat(home)).mode & 0o777).toBe(0o701);
  });

  it('refuses a closed folder that is not the worker home, naming it', async () => {
    const closed = path.join(scratch, 'closed');
    await mkdir(closed, { mode: 0o700 });
    await chmod(closed, 0o700);
    const awoHome = path.join(closed, 'awo');

    await expect(
      prepareAgentIdentity({
        AWO_HOME: awoHome,
        workOrderDir: path.join(awoHome, 'work-orders'),
        repositoryDir: path.join(awoHome, 'repositories'),
        workerHome: path.join(scratch, 'elsewhere'),
      }),
    ).rejects.toThrow(`because ${closed} (mode 0700) is closed to other users`);
    expect((await stat(closed)).mode & 0o777).toBe(0o700);
  });
});
