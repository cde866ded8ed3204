import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../src/logger.js';
import { SandboxManager } from '../../../src/sandbox/sandbox-manager.js';
import type { SandboxRequest } from '../../../src/sandbox/sandbox-types.js';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';
import { expectFreshClone } from '../../utils/fresh-clone.js';

const run = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.test' } }).trim();

describe('SandboxManager git_branch from the mirror', () => {
  let root: string;
  let origin: string;
  let bareDir: string;
  let forge: TestForge;
  let repositoryCount = 0;
  beforeAll(async () => {
    forge = await startTestForge({ token: 'ghp_sandboxtesttoken0123456789abcdef' });
  });
  afterAll(() => forge.close());
  let sandboxes: SandboxManager;
  let next = 0;
  const request = (sandboxType: SandboxRequest['sandboxType']): SandboxRequest => ({
    agentWorkOrderId: `wo-${(next++).toString(16).padStart(8, '0')}`,
    sandboxType,
    cloneUrl: origin,
    owner: 'acme',
    name: 'app',
    host: 'forge.test',
  });

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'awo-sandbox-'));
    const repository = await forge.createRepository({ owner: 'acme', name: `app-${repositoryCount++}`, defaultBranch: 'trunk' });
    origin = repository.cloneUrl;
    bareDir = repository.bareDir;
    await forge.commitToBranch('acme', repository.name, { branch: 'feature', files: { 'feature.txt': 'feature\n' }, message: 'feature' });
    sandboxes = new SandboxManager({ repositoryDir: path.join(root, 'repositories'), workOrderDir: path.join(root, 'work-orders'), logger: createLogger('silent') });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('leaves what git clone --no-tags leaves: the default branch tracking origin, the remote branches, no tags', async () => {
    const sandbox = await sandboxes.create(request('git_branch'), {});
    const cwd = sandbox.sandboxPath;
    expect(sandbox).toMatchObject({ baseBranch: 'trunk', baseRef: 'origin/trunk', mirrorPath: null, reused: false });
    expectFreshClone(cwd, { cloneUrl: origin, bareDir, baseBranch: 'trunk', remoteBranches: ['trunk', 'feature'] });
  });

  it('does not show the branches other work orders keep in the mirror, and sees the remote as it is now', async () => {
    const worktree = await sandboxes.create(request('git_worktree'), {});
    run(worktree.sandboxPath, 'checkout', '--quiet', '-b', 'feat/other-work-order');
    await writeFile(path.join(worktree.sandboxPath, 'other.txt'), 'other\n');
    run(worktree.sandboxPath, 'add', '-A');
    run(worktree.sandboxPath, 'commit', '--quiet', '-m', 'other work order');
    await forge.commitToBranch('acme', path.basename(bareDir, '.git'), { branch: 'trunk', files: { 'later.txt': 'later\n' }, message: 'later' });

    const sandbox = await sandboxes.create(request('git_branch'), {});
    expect(run(sandbox.sandboxPath, 'for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/remotes')).not.toContain('feat/other-work-order');
    expect(run(sandbox.sandboxPath, 'rev-parse', 'HEAD')).toBe(run(bareDir, 'rev-parse', 'trunk'));
    expect(run(sandbox.sandboxPath, 'log', '--format=%s', '-1')).toBe('later');
  });

  it('shares no writable file with the mirror: a commit in the sandbox leaves the mirror as it was', async () => {
    const first = await sandboxes.create(request('git_branch'), {});
    const mirror = sandboxes.mirrorPathFor({ host: 'forge.test', owner: 'acme', name: 'app' });
    const before = run(mirror, 'count-objects', '-v');
    await writeFile(path.join(first.sandboxPath, 'new.txt'), 'new\n');
    run(first.sandboxPath, 'add', '-A');
    run(first.sandboxPath, 'commit', '--quiet', '-m', 'new');
    run(first.sandboxPath, 'gc', '--quiet', '--prune=now');
    expect(run(mirror, 'count-objects', '-v')).toBe(before);
    expect(run(mirror, 'fsck', '--no-dangling')).toBe('');
    const second = await sandboxes.create(request('git_branch'), {});
    expect(run(second.sandboxPath, 'fsck', '--no-dangling')).toBe('');
    expect((await stat(path.join(second.sandboxPath, 'README.md'))).isFile()).toBe(true);
  });

  it('keeps a usable sandbox found again (a retried setup)', async () => {
    const created = await sandboxes.create(request('git_branch'), {});
    await writeFile(path.join(created.sandboxPath, 'work.txt'), 'in progress\n');
    const again = await sandboxes.create({ ...request('git_branch'), agentWorkOrderId: path.basename(path.dirname(created.sandboxPath)) }, {});
    expect(again).toMatchObject({ sandboxPath: created.sandboxPath, reused: true, baseBranch: 'trunk' });
    expect(run(again.sandboxPath, 'status', '--porcelain')).toBe('?? work.txt');
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('hands the sandbox to the agent user but leaves the objects it shares with the mirror the worker\'s, read-only', async () => {
    await chmod(root, 0o711);
    const agent = { uid: 65534, gid: 65534, home: path.join(root, 'agent-home') };
    const isolated = new SandboxManager({ repositoryDir: path.join(root, 'repositories'), workOrderDir: path.join(root, 'work-orders'), logger: createLogger('silent'), agentOwner: agent });
    const sandbox = await isolated.create(request('git_branch'), {});
    const objectsDir = path.join(sandbox.sandboxPath, '.git', 'objects');
    // A small fetch leaves loose objects in the mirror, a large one a pack: either way they are linked here.
    const objectFiles = (await readdir(objectsDir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && (/^[0-9a-f]{2}$/.test(path.basename(entry.parentPath)) || entry.name.endsWith('.pack')))
      .map((entry) => path.join(entry.parentPath, entry.name));
    expect(objectFiles.length).toBeGreaterThan(0);
    for (const objectFile of objectFiles) {
      const file = await stat(objectFile);
      expect({ uid: file.uid, nlink: file.nlink > 1, writable: (file.mode & 0o222) !== 0 }).toEqual({ uid: 0, nlink: true, writable: false });
    }
    for (const own of ['README.md', '.git/HEAD', '.git/index', '.git/objects/pack', '.git/refs/heads']) {
      expect([own, (await stat(path.join(sandbox.sandboxPath, own))).uid]).toEqual([own, agent.uid]);
    }
    const mirror = isolated.mirrorPathFor({ host: 'forge.test', owner: 'acme', name: 'app' });
    expect((await stat(path.join(mirror, 'HEAD'))).uid).toBe(0);
  });
});
