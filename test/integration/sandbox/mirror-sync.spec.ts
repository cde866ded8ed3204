import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { prepareAgentIdentity } from '../../../src/agent/agent-identity.js';
import { git, type GitUser } from '../../../src/git/git-runner.js';
import { createLogger } from '../../../src/logger.js';
import { SandboxManager } from '../../../src/sandbox/sandbox-manager.js';
import type { SandboxRequest } from '../../../src/sandbox/sandbox-types.js';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';
import { expectFreshClone } from '../../utils/fresh-clone.js';

const run = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
const identity = { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' };

describe('SandboxManager bringing the mirror up to date (real git, the test forge)', () => {
  let forge: TestForge;
  let root: string;
  let repositoryName: string;
  let bareDir: string;
  let cloneUrl: string;
  let mirrorPath: string;
  let repositoryCount = 0;
  let next = 0;
  const managers: SandboxManager[] = [];
  const manager = (options: { spareSandboxes?: number; agentOwner?: GitUser } = {}) => {
    const made = new SandboxManager({ repositoryDir: path.join(root, 'repositories'), workOrderDir: path.join(root, 'work-orders'), logger: createLogger('silent'), ...options });
    managers.push(made);
    return made;
  };
  const request = (sandboxType: SandboxRequest['sandboxType'] = 'git_worktree', agentWorkOrderId = `wo-${(next++).toString(16).padStart(8, '0')}`): SandboxRequest => ({
    agentWorkOrderId,
    sandboxType,
    cloneUrl,
    owner: 'acme',
    name: repositoryName,
    host: 'forge.test',
  });
  const createSettled = async (sandboxes: SandboxManager, sandboxType?: SandboxRequest['sandboxType'], agentWorkOrderId?: string) => {
    const sandbox = await sandboxes.create(request(sandboxType, agentWorkOrderId), {});
    await sandboxes.settled();
    return sandbox;
  };
  const tipOf = (branch: string) => run(bareDir, 'rev-parse', branch);
  const requests = () => forge.gitRequestCount('acme', repositoryName, 'git-upload-pack');
  const registered = () =>
    run(mirrorPath, 'worktree', 'list', '--porcelain')
      .split('\n')
      .filter((line) => line.startsWith('worktree '))
      .map((line) => line.slice('worktree '.length))
      .filter((worktreePath) => worktreePath !== mirrorPath);

  beforeAll(async () => {
    forge = await startTestForge({ token: 'ghp_mirrorsynctoken0123456789abcdef' });
  });
  afterAll(() => forge.close());

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'awo-mirror-sync-'));
    repositoryName = `sync-${repositoryCount++}`;
    const repository = await forge.createRepository({ owner: 'acme', name: repositoryName, defaultBranch: 'trunk', files: { 'README.md': '# sync\n', 'src/a.txt': 'a\n' } });
    bareDir = repository.bareDir;
    cloneUrl = repository.cloneUrl;
    mirrorPath = path.join(root, 'repositories', 'forge.test', 'acme', `${repositoryName}.git`);
  });
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((made) => made.settled()));
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    ['from a spare', 1],
    ['without spares', 0],
  ])('bases a worktree on a commit pushed to the default branch just before the setup (%s)', async (_how, spareSandboxes) => {
    const sandboxes = manager({ spareSandboxes });
    await createSettled(sandboxes);
    const pushed = await forge.commitToBranch('acme', repositoryName, { branch: 'trunk', files: { 'src/a.txt': 'pushed\n' }, message: 'pushed just before' });

    const sandbox = await sandboxes.create(request(), {});
    expect(pushed).toBe(tipOf('trunk'));
    expect(run(sandbox.sandboxPath, 'rev-parse', 'HEAD')).toBe(pushed);
    expect(run(sandbox.sandboxPath, 'rev-parse', sandbox.baseRef)).toBe(pushed);
    expect(await readFile(path.join(sandbox.sandboxPath, 'src', 'a.txt'), 'utf8')).toBe('pushed\n');
    expect(run(sandbox.sandboxPath, 'status', '--porcelain')).toBe('');
  });

  it('does not fetch for a worktree when only other branches moved; a git_branch setup then brings them', async () => {
    const sandboxes = manager({ spareSandboxes: 1 });
    await createSettled(sandboxes);
    await forge.commitToBranch('acme', repositoryName, { branch: 'feat/pushed', files: { 'pushed.txt': 'pushed\n' }, message: 'a work order pushed' });

    let before = requests();
    const worktree = await createSettled(sandboxes);
    // The question only: the mirror already holds the default branch's tip.
    expect(requests() - before).toBe(1);
    expect(run(worktree.sandboxPath, 'rev-parse', 'HEAD')).toBe(tipOf('trunk'));

    before = requests();
    const clone = await createSettled(sandboxes, 'git_branch');
    // A clone carries every branch: the question, then the fetch.
    expect(requests() - before).toBe(2);
    expectFreshClone(clone.sandboxPath, { cloneUrl, bareDir, baseBranch: 'trunk', remoteBranches: ['trunk', 'feat/pushed'] });

    before = requests();
    const again = await createSettled(sandboxes, 'git_branch');
    expect(requests() - before).toBe(1);
    expectFreshClone(again.sandboxPath, { cloneUrl, bareDir, baseBranch: 'trunk', remoteBranches: ['trunk', 'feat/pushed'] });
  });

  it('follows the remote to a new default branch', async () => {
    const sandboxes = manager({ spareSandboxes: 1 });
    await createSettled(sandboxes);
    await forge.commitToBranch('acme', repositoryName, { branch: 'develop', files: { 'develop.txt': 'develop\n' }, message: 'develop' });
    run(bareDir, 'symbolic-ref', 'HEAD', 'refs/heads/develop');

    const sandbox = await createSettled(sandboxes);
    expect(sandbox).toMatchObject({ baseBranch: 'develop', baseRef: 'origin/develop' });
    expect(run(sandbox.sandboxPath, 'rev-parse', 'HEAD')).toBe(tipOf('develop'));
    expect(run(sandbox.sandboxPath, 'rev-parse', 'origin/develop')).toBe(tipOf('develop'));
  });

  it('marks the mirror used (FETCH_HEAD, what retention reads) when it had nothing to fetch', async () => {
    const sandboxes = manager();
    await createSettled(sandboxes);
    const longAgo = new Date('2020-01-01T00:00:00Z');
    await utimes(path.join(mirrorPath, 'FETCH_HEAD'), longAgo, longAgo);
    const askedAt = Date.now() - 1000;

    await createSettled(sandboxes);
    expect((await stat(path.join(mirrorPath, 'FETCH_HEAD'))).mtimeMs).toBeGreaterThan(askedAt);
  });

  it.each([
    ['from a spare', 1],
    ['without spares', 0],
  ])('sets a sandbox up again after its folder was removed under its registration, registered once (%s)', async (_how, spareSandboxes) => {
    const sandboxes = manager({ spareSandboxes });
    const first = await createSettled(sandboxes);
    await rm(first.sandboxPath, { recursive: true, force: true });

    const again = await createSettled(sandboxes, 'git_worktree', path.basename(path.dirname(first.sandboxPath)));
    expect(again).toMatchObject({ sandboxPath: first.sandboxPath, reused: false });
    expect(run(again.sandboxPath, 'rev-parse', 'HEAD')).toBe(tipOf('trunk'));
    expect(run(again.sandboxPath, 'status', '--porcelain')).toBe('');
    expect(registered().filter((worktreePath) => worktreePath === first.sandboxPath)).toHaveLength(1);
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('hands the agent its worktree with or without a fetch: every ref folder the fetch wrote becomes the agent\'s, the agent commits', async () => {
    await chmod(root, 0o711);
    const prepared = await prepareAgentIdentity({ AWO_HOME: root, workOrderDir: path.join(root, 'work-orders'), repositoryDir: path.join(root, 'repositories') });
    if (!prepared.isolated) throw new Error(prepared.reason);
    const agent = { uid: prepared.uid, gid: prepared.gid, home: prepared.home };
    const sandboxes = manager({ spareSandboxes: 1, agentOwner: agent });
    const commitAsAgent = async (sandboxPath: string, branch: string) => {
      await git(['switch', '--quiet', '-c', branch], { cwd: sandboxPath, as: agent });
      await writeFile(path.join(sandboxPath, `${path.basename(branch)}.txt`), `${branch}\n`);
      execFileSync('chown', [`${agent.uid}:${agent.gid}`, path.join(sandboxPath, `${path.basename(branch)}.txt`)]);
      await git(['add', '-A'], { cwd: sandboxPath, as: agent });
      await git(['commit', '--quiet', '-m', branch], { cwd: sandboxPath, as: agent, env: identity });
      expect(run(mirrorPath, 'log', '-1', '--format=%s', `refs/heads/${branch}`)).toBe(branch);
    };
    const ownersBelow = async (folder: string) => {
      const entries = await readdir(folder, { recursive: true, withFileTypes: true });
      return Promise.all([folder, ...entries.map((entry) => path.join(entry.parentPath, entry.name))].map(async (entry) => [path.relative(mirrorPath, entry), (await stat(entry)).uid]));
    };
    const expectAgentOwns = async (sandboxPath: string) => {
      const adminDir = (await readFile(path.join(sandboxPath, '.git'), 'utf8')).replace(/^gitdir: /, '').trim();
      for (const own of [sandboxPath, path.join(sandboxPath, 'README.md'), path.join(sandboxPath, 'src'), adminDir, path.join(adminDir, 'HEAD'), path.join(adminDir, 'index')]) {
        expect([own, (await stat(own)).uid]).toEqual([own, agent.uid]);
      }
      for (const folder of ['refs', 'logs']) {
        for (const [entry, uid] of await ownersBelow(path.join(mirrorPath, folder))) expect([entry, uid]).toEqual([entry, agent.uid]);
      }
      for (const workerFile of ['config', 'HEAD', 'FETCH_HEAD']) expect([workerFile, (await stat(path.join(mirrorPath, workerFile))).uid]).toEqual([workerFile, 0]);
    };

    await createSettled(sandboxes);
    const before = requests();
    const unchanged = await createSettled(sandboxes);
    expect(requests() - before).toBe(1);
    await expectAgentOwns(unchanged.sandboxPath);
    await commitAsAgent(unchanged.sandboxPath, 'feat/unchanged');

    // A branch in a folder of its own: the fetch makes refs/remotes/origin/deep/nested/ as the worker.
    await forge.commitToBranch('acme', repositoryName, { branch: 'deep/nested/branch', files: { 'deep.txt': 'deep\n' }, message: 'deep' });
    await forge.commitToBranch('acme', repositoryName, { branch: 'trunk', files: { 'later.txt': 'later\n' }, message: 'later' });
    const fetched = await createSettled(sandboxes);
    expect(existsSync(path.join(mirrorPath, 'refs', 'remotes', 'origin', 'deep', 'nested', 'branch'))).toBe(true);
    expect(await git(['rev-parse', 'HEAD'], { cwd: fetched.sandboxPath, as: agent })).toBe(tipOf('trunk'));
    await expectAgentOwns(fetched.sandboxPath);
    await commitAsAgent(fetched.sandboxPath, 'deep/nested/mine');
  });
});
