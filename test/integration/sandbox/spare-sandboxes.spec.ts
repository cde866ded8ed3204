import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { prepareAgentIdentity } from '../../../src/agent/agent-identity.js';
import { createLogger } from '../../../src/logger.js';
import { SandboxManager } from '../../../src/sandbox/sandbox-manager.js';
import type { SandboxRequest } from '../../../src/sandbox/sandbox-types.js';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';
import { expectFreshClone } from '../../utils/fresh-clone.js';

const run = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('SandboxManager spare sandboxes (real git, the test forge)', () => {
  let forge: TestForge;
  let root: string;
  let repositoryName: string;
  let bareDir: string;
  let cloneUrl: string;
  let sandboxes: SandboxManager;
  let mirrorPath: string;
  let repositoryCount = 0;
  let next = 0;
  const request = (agentWorkOrderId = `wo-${(next++).toString(16).padStart(8, '0')}`, sandboxType: SandboxRequest['sandboxType'] = 'git_worktree'): SandboxRequest => ({
    agentWorkOrderId,
    sandboxType,
    cloneUrl,
    owner: 'acme',
    name: repositoryName,
    host: 'forge.test',
  });
  const spareFolder = () => path.join(root, 'work-orders', '.spare-sandboxes', 'forge.test', 'acme', `${repositoryName}.git`);
  const spares = async (kind = 'worktree') =>
    (await readdir(spareFolder()).catch(() => [] as string[])).filter((entry) => entry.startsWith(`${kind}-`) && !entry.includes('.')).map((entry) => path.join(spareFolder(), entry));
  const registered = () =>
    run(mirrorPath, 'worktree', 'list', '--porcelain')
      .split('\n')
      .filter((line) => line.startsWith('worktree '))
      .map((line) => line.slice('worktree '.length))
      .filter((worktreePath) => worktreePath !== mirrorPath);
  const trunkTip = () => run(bareDir, 'rev-parse', 'trunk');
  const createSettled = async (agentWorkOrderId?: string, sandboxType?: SandboxRequest['sandboxType']) => {
    const sandbox = await sandboxes.create(request(agentWorkOrderId, sandboxType), {});
    await sandboxes.settled();
    return sandbox;
  };
  /** git names a worktree's admin folder after the folder it was added as: a spare's name proves the sandbox was claimed. */
  const adminNameOf = async (worktreePath: string) => path.basename((await readFile(path.join(worktreePath, '.git'), 'utf8')).replace(/^gitdir: /, '').trim());

  beforeAll(async () => {
    forge = await startTestForge({ token: 'ghp_sparetesttoken0123456789abcdef' });
  });
  afterAll(() => forge.close());

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'awo-spares-'));
    repositoryName = `spares-${repositoryCount++}`;
    const repository = await forge.createRepository({ owner: 'acme', name: repositoryName, defaultBranch: 'trunk', files: { 'README.md': '# spares\n', 'src/a.txt': 'a\n' } });
    bareDir = repository.bareDir;
    cloneUrl = repository.cloneUrl;
    sandboxes = new SandboxManager({ repositoryDir: path.join(root, 'repositories'), workOrderDir: path.join(root, 'work-orders'), logger: createLogger('silent'), spareSandboxes: 1 });
    mirrorPath = sandboxes.mirrorPathFor({ host: 'forge.test', owner: 'acme', name: repositoryName });
  });
  afterEach(async () => {
    await sandboxes.settled();
    await rm(root, { recursive: true, force: true });
  });

  it('hands the next work order the spare: detached at the tip, clean, registered at its own path; then, a moment later, makes a new spare', async () => {
    const first = await createSettled();
    const [spare] = await spares();
    expect(spare).toBeDefined();
    expect(existsSync(`${spare}.ready`)).toBe(true);
    expect(registered().sort()).toEqual([first.sandboxPath, spare].sort());
    const spareAdmin = await adminNameOf(spare!);

    const second = await sandboxes.create(request(), {});
    // The refill waits a moment, leaving the CPU to the work order's first agent; `settled` starts it at once.
    await sleep(100);
    expect(await spares()).toEqual([]);
    expect(spareAdmin).toMatch(/^worktree-/);
    expect(await adminNameOf(second.sandboxPath)).toBe(spareAdmin);
    expect(second).toMatchObject({ baseBranch: 'trunk', baseRef: 'origin/trunk', reused: false, mirrorAction: 'fetched' });
    expect(run(second.sandboxPath, 'rev-parse', 'HEAD')).toBe(trunkTip());
    expect(() => run(second.sandboxPath, 'symbolic-ref', '--quiet', 'HEAD')).toThrow();
    expect(run(second.sandboxPath, 'status', '--porcelain')).toBe('');
    expect(run(second.sandboxPath, 'rev-parse', '--show-toplevel')).toBe(second.sandboxPath);
    // The mirror knows the worktree by its new path: a prune keeps it, and a branch made there lands in the mirror.
    run(mirrorPath, 'worktree', 'prune');
    expect(registered()).toContain(second.sandboxPath);
    expect(registered()).not.toContain(spare);
    run(second.sandboxPath, 'switch', '--quiet', '-c', 'feat/from-spare');
    expect(run(mirrorPath, 'rev-parse', 'refs/heads/feat/from-spare')).toBe(trunkTip());

    await sandboxes.settled();
    const refilled = await spares();
    expect(refilled).toHaveLength(1);
    expect(refilled[0]).not.toBe(spare);
    expect(registered().sort()).toEqual([first.sandboxPath, second.sandboxPath, refilled[0]].sort());
  });

  it('moves a spare made before the remote moved on to the new tip before handing it out', async () => {
    await createSettled();
    const [spare] = await spares();
    const spareAdmin = await adminNameOf(spare!);
    await forge.commitToBranch('acme', repositoryName, { branch: 'trunk', files: { 'later.txt': 'later\n', 'src/a.txt': 'changed\n' }, message: 'later' });

    const sandbox = await sandboxes.create(request(), {});
    expect(await adminNameOf(sandbox.sandboxPath)).toBe(spareAdmin);
    expect(run(sandbox.sandboxPath, 'rev-parse', 'HEAD')).toBe(trunkTip());
    expect(await readFile(path.join(sandbox.sandboxPath, 'src', 'a.txt'), 'utf8')).toBe('changed\n');
    expect(await readFile(path.join(sandbox.sandboxPath, 'later.txt'), 'utf8')).toBe('later\n');
    expect(run(sandbox.sandboxPath, 'status', '--porcelain')).toBe('');
  });

  /** A manager whose log is read back: `created()` are the fields of its sandbox_worktree_created lines. */
  const loggingManager = (options: { agentOwner?: { uid: number; gid: number; home: string } } = {}) => {
    const lines = new PassThrough();
    const logged: string[] = [];
    lines.on('data', (chunk: Buffer) => logged.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const manager = new SandboxManager({
      repositoryDir: path.join(root, 'repositories'),
      workOrderDir: path.join(root, 'work-orders'),
      logger: createLogger('debug', { format: 'json', destination: lines }),
      spareSandboxes: 1,
      ...options,
    });
    const created = () => logged.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === 'sandbox_worktree_created');
    return { manager, created, logged };
  };

  it('places the spare while the remote is asked and keeps it when the mirror is current; moves it on when the remote moved', async () => {
    const { manager, created, logged } = loggingManager();
    sandboxes = manager;
    // The first setup clones the mirror: nothing to place ahead of a sync that never ran.
    await createSettled();
    const [spare] = await spares();
    const spareAdmin = await adminNameOf(spare!);

    const current = await sandboxes.create(request(), {});
    expect(created().at(-1)).toMatchObject({ from_spare: true, placed_ahead: true, sandbox_path: current.sandboxPath });
    expect(await adminNameOf(current.sandboxPath)).toBe(spareAdmin);
    expect(run(current.sandboxPath, 'rev-parse', 'HEAD')).toBe(trunkTip());
    expect(run(current.sandboxPath, 'status', '--porcelain')).toBe('');

    await sandboxes.settled();
    const [madeBefore] = await spares();
    const madeBeforeAdmin = await adminNameOf(madeBefore!);
    await forge.commitToBranch('acme', repositoryName, { branch: 'trunk', files: { 'later.txt': 'later\n', 'src/a.txt': 'changed\n' }, message: 'later' });
    const movedOn = await sandboxes.create(request(), {});
    expect(created().at(-1)).toMatchObject({ from_spare: true, placed_ahead: true, sandbox_path: movedOn.sandboxPath });
    expect(await adminNameOf(movedOn.sandboxPath)).toBe(madeBeforeAdmin);
    expect(run(movedOn.sandboxPath, 'rev-parse', 'HEAD')).toBe(trunkTip());
    expect(await readFile(path.join(movedOn.sandboxPath, 'src', 'a.txt'), 'utf8')).toBe('changed\n');
    expect(run(movedOn.sandboxPath, 'status', '--porcelain')).toBe('');
    expect(logged.join('\n')).not.toContain('sandbox_spare_ahead_failed');
    run(mirrorPath, 'worktree', 'prune');
    expect(registered()).toEqual(expect.arrayContaining([current.sandboxPath, movedOn.sandboxPath]));
  });

  it('places nothing ahead for a retried setup whose sandbox is already there', async () => {
    const { manager, created } = loggingManager();
    sandboxes = manager;
    await createSettled();
    const retried = await createSettled('wo-0000beef');
    const loggedBefore = created().length;

    const again = await sandboxes.create(request('wo-0000beef'), {});
    expect(again).toMatchObject({ sandboxPath: retried.sandboxPath, reused: true });
    expect(created().slice(loggedBefore)).toEqual([]);
    expect((await spares()).length).toBe(1);
  });

  const damages: Array<[string, (spare: string) => Promise<void>]> = [
    ['made but never marked ready (a crash during the checkout)', (spare) => rm(`${spare}.ready`)],
    [
      'marked at a commit its HEAD is not at',
      async (spare) => writeFile(`${spare}.ready`, JSON.stringify({ ...JSON.parse(await readFile(`${spare}.ready`, 'utf8')), commit: '0'.repeat(40) })),
    ],
    ['with a marker that is not one', (spare) => writeFile(`${spare}.ready`, '{"commit":')],
    [
      'registered for another folder',
      async (spare) => {
        const adminDir = (await readFile(path.join(spare, '.git'), 'utf8')).replace(/^gitdir: /, '').trim();
        // A folder that exists, so git's own prune keeps the registration and only the pool's check stands in the way.
        await mkdir(path.join(root, 'elsewhere'));
        await writeFile(path.join(root, 'elsewhere', '.git'), `gitdir: ${adminDir}\n`);
        await writeFile(path.join(adminDir, 'gitdir'), `${path.join(root, 'elsewhere', '.git')}\n`);
      },
    ],
    ['with its .git file gone', (spare) => rm(path.join(spare, '.git'))],
  ];
  it.each(damages)('never hands out a spare %s, and clears it away', async (_damage, damage) => {
    await createSettled();
    const [spare] = await spares();
    await damage(spare!);

    const sandbox = await createSettled();
    expect(await adminNameOf(sandbox.sandboxPath)).toMatch(/^sandbox/);
    expect(run(sandbox.sandboxPath, 'rev-parse', 'HEAD')).toBe(trunkTip());
    expect(run(sandbox.sandboxPath, 'status', '--porcelain')).toBe('');
    expect(existsSync(spare!)).toBe(false);
    expect(existsSync(`${spare}.ready`)).toBe(false);
    const [refilled] = await spares();
    expect(refilled).not.toBe(spare);
    expect(registered()).not.toContain(spare);
    expect(registered()).toContain(refilled);
  });

  it('recovers from a crash in the middle of a claim (registration moved, folder not yet): the retried setup and the next one work', async () => {
    await createSettled();
    const [spare] = await spares();
    const crashed = request();
    const crashedSandbox = sandboxes.sandboxPathFor(crashed.agentWorkOrderId);
    // What claim() leaves when the worker dies between its two writes.
    await rm(`${spare}.ready`);
    const adminDir = (await readFile(path.join(spare!, '.git'), 'utf8')).replace(/^gitdir: /, '').trim();
    await writeFile(path.join(adminDir, 'gitdir'), `${path.join(crashedSandbox, '.git')}\n`);

    const retried = await createSettled(crashed.agentWorkOrderId);
    expect(retried.sandboxPath).toBe(crashedSandbox);
    expect(run(retried.sandboxPath, 'rev-parse', 'HEAD')).toBe(trunkTip());
    expect(run(retried.sandboxPath, 'status', '--porcelain')).toBe('');
    const next = await createSettled();
    expect(run(next.sandboxPath, 'status', '--porcelain')).toBe('');
    expect(existsSync(spare!)).toBe(false);
    run(mirrorPath, 'worktree', 'prune');
    const [refilled] = await spares();
    expect(registered().sort()).toEqual(expect.arrayContaining([retried.sandboxPath, next.sandboxPath, refilled]));
    expect(registered()).toHaveLength(4);
  });

  it('asks the remote once for work orders that queue for the mirror together, and again for one that comes later', async () => {
    await createSettled();
    const requestsBefore = forge.gitRequestCount('acme', repositoryName, 'git-upload-pack');
    const together = await Promise.all([sandboxes.create(request(), {}), sandboxes.create(request(), {}), sandboxes.create(request(), {})]);
    // One question for the default branch and the tips, shared by all three; the mirror holds them, so no fetch.
    expect(forge.gitRequestCount('acme', repositoryName, 'git-upload-pack') - requestsBefore).toBe(1);
    for (const sandbox of together) expect(run(sandbox.sandboxPath, 'rev-parse', 'HEAD')).toBe(trunkTip());

    await forge.commitToBranch('acme', repositoryName, { branch: 'trunk', files: { 'later.txt': 'later\n' }, message: 'later' });
    const later = await sandboxes.create(request(), {});
    // The question, then the fetch of the new tip.
    expect(forge.gitRequestCount('acme', repositoryName, 'git-upload-pack') - requestsBefore).toBe(3);
    expect(run(later.sandboxPath, 'rev-parse', 'HEAD')).toBe(trunkTip());
  });

  it('hands the next git_branch work order a spare clone that is what a fresh clone would be, and makes a new one', async () => {
    await forge.commitToBranch('acme', repositoryName, { branch: 'feature', files: { 'feature.txt': 'feature\n' }, message: 'feature' });
    await createSettled(undefined, 'git_branch');
    const [spare] = await spares('clone');
    expect(spare).toBeDefined();
    const spareInode = (await stat(spare!)).ino;

    const sandbox = await sandboxes.create(request(undefined, 'git_branch'), {});
    // Renamed into place while the spare still existed: the same inode is the same folder.
    expect((await stat(sandbox.sandboxPath)).ino).toBe(spareInode);
    expect(sandbox).toMatchObject({ baseBranch: 'trunk', baseRef: 'origin/trunk', mirrorPath: null, reused: false });
    expectFreshClone(sandbox.sandboxPath, { cloneUrl, bareDir, baseBranch: 'trunk', remoteBranches: ['trunk', 'feature'] });
    await sandboxes.settled();
    const [refilled] = await spares('clone');
    expect(refilled).toBeDefined();
    expect(refilled).not.toBe(spare);
    // A git_worktree work order on the same mirror finds no clone spare made for it, and the other way round.
    expect(await spares('worktree')).toEqual([]);
  });

  it('brings a spare clone made before the remote changed to the remote as it is now: new tip, new branches, gone ones gone', async () => {
    await forge.commitToBranch('acme', repositoryName, { branch: 'old-feature', files: { 'old.txt': 'old\n' }, message: 'old feature' });
    await createSettled(undefined, 'git_branch');
    const [spare] = await spares('clone');
    const spareInode = (await stat(spare!)).ino;
    run(bareDir, 'update-ref', '-d', 'refs/heads/old-feature');
    await forge.commitToBranch('acme', repositoryName, { branch: 'pushed', files: { 'pushed.txt': 'pushed\n' }, message: 'pushed by another work order' });
    await forge.commitToBranch('acme', repositoryName, { branch: 'trunk', files: { 'later.txt': 'later\n', 'src/a.txt': 'changed\n' }, message: 'later' });

    const sandbox = await sandboxes.create(request(undefined, 'git_branch'), {});
    expect((await stat(sandbox.sandboxPath)).ino).toBe(spareInode);
    expectFreshClone(sandbox.sandboxPath, { cloneUrl, bareDir, baseBranch: 'trunk', remoteBranches: ['trunk', 'pushed'] });
    expect(await readFile(path.join(sandbox.sandboxPath, 'src', 'a.txt'), 'utf8')).toBe('changed\n');
    expect(run(sandbox.sandboxPath, 'log', '-1', '--format=%s', 'origin/pushed')).toBe('pushed by another work order');
  });

  it('makes no spare when the pool is off', async () => {
    const off = new SandboxManager({ repositoryDir: path.join(root, 'repositories'), workOrderDir: path.join(root, 'work-orders'), logger: createLogger('silent') });
    const sandbox = await off.create(request(), {});
    await off.settled();
    expect(await spares()).toEqual([]);
    expect(registered()).toEqual([sandbox.sandboxPath]);
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('keeps spares the worker\'s and out of the agent\'s reach until one is claimed, then hands over only that one', async () => {
    await chmod(root, 0o711);
    const identity = await prepareAgentIdentity({ AWO_HOME: root, workOrderDir: path.join(root, 'work-orders'), repositoryDir: path.join(root, 'repositories') });
    if (!identity.isolated) throw new Error(identity.reason);
    const agent = { uid: identity.uid, gid: identity.gid, home: identity.home };
    sandboxes = new SandboxManager({ repositoryDir: path.join(root, 'repositories'), workOrderDir: path.join(root, 'work-orders'), logger: createLogger('silent'), agentOwner: agent, spareSandboxes: 1 });
    await createSettled();
    const [spare] = await spares();
    const spareAdminDir = (await readFile(path.join(spare!, '.git'), 'utf8')).replace(/^gitdir: /, '').trim();
    for (const own of [spare!, path.join(spare!, 'README.md'), spareAdminDir, path.join(spareAdminDir, 'HEAD')]) {
      expect([own, (await stat(own)).uid]).toEqual([own, 0]);
    }
    expect((await stat(path.join(root, 'work-orders', '.spare-sandboxes'))).mode & 0o077).toBe(0);
    const asAgent = (file: string, ...args: string[]) => execa(file, args, { uid: agent.uid, gid: agent.gid, reject: false, env: { PATH: process.env.PATH } });
    expect((await asAgent('ls', spare!)).exitCode).not.toBe(0);
    expect((await asAgent('touch', path.join(spare!, 'planted.txt'))).exitCode).not.toBe(0);

    const claimed = await sandboxes.create(request(), {});
    for (const own of [claimed.sandboxPath, path.join(claimed.sandboxPath, 'README.md'), path.join(claimed.sandboxPath, 'src', 'a.txt'), spareAdminDir, path.join(spareAdminDir, 'index')]) {
      expect([own, (await stat(own)).uid]).toEqual([own, agent.uid]);
    }
    // The agent works in it as itself: git there sees a clean checkout and commits on a branch of its own.
    const agentGit = await asAgent('git', '-C', claimed.sandboxPath, 'status', '--porcelain');
    expect({ exitCode: agentGit.exitCode, stdout: agentGit.stdout }).toEqual({ exitCode: 0, stdout: '' });
    await sandboxes.settled();
    const [refilled] = await spares();
    expect((await stat(refilled!)).uid).toBe(0);
    expect((await stat(path.join(mirrorPath, 'config'))).uid).toBe(0);

    await createSettled(undefined, 'git_branch');
    const [cloneSpare] = await spares('clone');
    expect((await stat(path.join(cloneSpare!, '.git', 'config'))).uid).toBe(0);
    expect((await asAgent('ls', cloneSpare!)).exitCode).not.toBe(0);
    const clone = await sandboxes.create(request(undefined, 'git_branch'), {});
    for (const own of [clone.sandboxPath, path.join(clone.sandboxPath, 'README.md'), path.join(clone.sandboxPath, '.git', 'config'), path.join(clone.sandboxPath, '.git', 'index')]) {
      expect([own, (await stat(own)).uid]).toEqual([own, agent.uid]);
    }
    const cloneStatus = await asAgent('git', '-C', clone.sandboxPath, 'status', '--porcelain');
    expect({ exitCode: cloneStatus.exitCode, stdout: cloneStatus.stdout }).toEqual({ exitCode: 0, stdout: '' });
  });

  asRoot('moves a spare placed ahead on as the agent when the remote moved, and the agent can commit there', async () => {
    await chmod(root, 0o711);
    const identity = await prepareAgentIdentity({ AWO_HOME: root, workOrderDir: path.join(root, 'work-orders'), repositoryDir: path.join(root, 'repositories') });
    if (!identity.isolated) throw new Error(identity.reason);
    const agent = { uid: identity.uid, gid: identity.gid, home: identity.home };
    const { manager, created } = loggingManager({ agentOwner: agent });
    sandboxes = manager;
    await createSettled();
    await forge.commitToBranch('acme', repositoryName, { branch: 'trunk', files: { 'later.txt': 'later\n' }, message: 'later' });

    const sandbox = await sandboxes.create(request(), {});
    expect(created().at(-1)).toMatchObject({ from_spare: true, placed_ahead: true });
    const asAgent = (...args: string[]) => execa('git', ['-C', sandbox.sandboxPath, '-c', 'user.name=agent', '-c', 'user.email=agent@example.com', ...args], { uid: agent.uid, gid: agent.gid, reject: false, env: { PATH: process.env.PATH, HOME: agent.home } });
    expect((await asAgent('rev-parse', 'HEAD')).stdout).toBe(trunkTip());
    for (const own of [sandbox.sandboxPath, path.join(sandbox.sandboxPath, 'later.txt')]) expect([own, (await stat(own)).uid]).toEqual([own, agent.uid]);
    expect((await asAgent('status', '--porcelain')).stdout).toBe('');
    await writeFile(path.join(sandbox.sandboxPath, 'agent.txt'), 'agent\n');
    await execa('chown', [`${agent.uid}:${agent.gid}`, path.join(sandbox.sandboxPath, 'agent.txt')]);
    expect((await asAgent('switch', '--quiet', '-c', 'feat/agent')).exitCode).toBe(0);
    expect((await asAgent('add', 'agent.txt')).exitCode).toBe(0);
    const commit = await asAgent('commit', '--quiet', '-m', 'agent work');
    expect({ exitCode: commit.exitCode, stderr: commit.stderr }).toEqual({ exitCode: 0, stderr: '' });
  });
});
