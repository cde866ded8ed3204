import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { prepareAgentIdentity } from '../../../src/agent/agent-identity.js';
import { git, type GitUser } from '../../../src/git/git-runner.js';
import { createLogger } from '../../../src/logger.js';
import { isWorkerOwned, shareMirrorWithAgent, worktreeAdminDirOf } from '../../../src/sandbox/mirror-ownership.js';
import { SandboxManager } from '../../../src/sandbox/sandbox-manager.js';

const runningAsRoot = process.getuid?.() === 0;
const identity = { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' };

(runningAsRoot ? describe : describe.skip)('a mirror shared with the agent (worker as root)', () => {
  let home: string;
  let agent: GitUser;
  let mirrorPath: string;
  let sandboxPath: string;
  let manager: SandboxManager;

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'awo-mirror-owner-'));
    const prepared = await prepareAgentIdentity({ AWO_HOME: home, workOrderDir: path.join(home, 'work-orders'), repositoryDir: path.join(home, 'repositories') });
    if (!prepared.isolated) throw new Error(prepared.reason);
    agent = { uid: prepared.uid, gid: prepared.gid, home: prepared.home };
    manager = new SandboxManager({ repositoryDir: path.join(home, 'repositories'), workOrderDir: path.join(home, 'work-orders'), logger: createLogger('warn'), agentOwner: agent });

    const seed = path.join(home, 'seed');
    await mkdir(seed);
    await git(['init', '--quiet', '--initial-branch=main'], { cwd: seed });
    await git(['commit', '--quiet', '--allow-empty', '-m', 'init'], { cwd: seed, env: identity });
    mirrorPath = path.join(home, 'repositories', 'host', 'acme', 'demo.git');
    await mkdir(mirrorPath, { recursive: true });
    await git(['init', '--bare', '--quiet'], { cwd: mirrorPath });
    // git() allows http(s) only; the seed is a local folder.
    await execa('git', ['fetch', '--quiet', seed, '+refs/heads/*:refs/remotes/origin/*'], { cwd: mirrorPath });
    await git(['pack-refs', '--all'], { cwd: mirrorPath });
    sandboxPath = path.join(home, 'work-orders', 'wo-1', 'sandbox');
    await mkdir(path.dirname(sandboxPath), { recursive: true });
    await git(['worktree', 'add', '--quiet', '--detach', sandboxPath, 'refs/remotes/origin/main'], { cwd: mirrorPath });
    await execa('chown', ['-R', `${agent.uid}:${agent.gid}`, sandboxPath]);
    await shareMirrorWithAgent(mirrorPath, agent, await worktreeAdminDirOf(sandboxPath));
  });

  afterAll(() => rm(home, { recursive: true, force: true }));

  it('lets the agent commit on a new branch in its worktree', async () => {
    await git(['checkout', '--quiet', '-b', 'feat/x'], { cwd: sandboxPath, as: agent });
    await writeFile(path.join(sandboxPath, 'f.txt'), 'x\n').then(() => execa('chown', [`${agent.uid}:${agent.gid}`, path.join(sandboxPath, 'f.txt')]));
    await git(['add', 'f.txt'], { cwd: sandboxPath, as: agent });
    await git(['commit', '--quiet', '-m', 'feat: x'], { cwd: sandboxPath, as: agent, env: identity });
    expect(await git(['log', '-1', '--format=%s', 'refs/heads/feat/x'], { cwd: mirrorPath })).toBe('feat: x');
    expect(await manager.objectStoreOf(sandboxPath)).toBe(path.join(mirrorPath, 'objects'));
  });

  it('keeps what the worker runs git by (config, HEAD, packed-refs, alternates) out of the agent reach', async () => {
    await expect(git(['config', 'filter.trap.clean', 'id'], { cwd: sandboxPath, as: agent })).rejects.toThrow(/could not lock config file .*Permission denied/);
    for (const file of ['config', 'HEAD', 'packed-refs', 'info/attributes', 'objects/info/alternates', 'hooks/post-checkout']) {
      const write = execa('sh', ['-c', 'echo x >> "$1"', 'sh', path.join(mirrorPath, file)], { uid: agent.uid, gid: agent.gid, reject: false });
      const { exitCode, stderr } = await write;
      expect({ file, refused: exitCode !== 0 && /Permission denied/.test(String(stderr)) }).toEqual({ file, refused: true });
    }
  });

  it('tells a mirror shared whole with the agent (by an older version) from one shared this way', async () => {
    expect(await isWorkerOwned(mirrorPath)).toBe(true);
    const old = path.join(home, 'old.git');
    await git(['init', '--bare', '--quiet', old], { cwd: home });
    await execa('chown', ['-R', `${agent.uid}:${agent.gid}`, old]);
    expect(await isWorkerOwned(old)).toBe(false);
  });

  it('refuses a sandbox whose .git points at a git dir outside the sandbox and the repositories', async () => {
    const elsewhere = path.join(home, 'elsewhere');
    await git(['init', '--quiet', elsewhere], { cwd: home });
    const rewritten = path.join(home, 'work-orders', 'wo-2', 'sandbox');
    await mkdir(rewritten, { recursive: true });
    await writeFile(path.join(rewritten, '.git'), `gitdir: ${path.join(elsewhere, '.git')}\n`);
    // A git dir the agent made for itself.
    await execa('chown', ['-R', `${agent.uid}:${agent.gid}`, elsewhere, rewritten]);
    await expect(manager.objectStoreOf(rewritten)).rejects.toThrow(/outside the sandbox and the repositories folder/);
  });
});
