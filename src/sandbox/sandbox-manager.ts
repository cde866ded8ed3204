import { existsSync, realpathSync } from 'node:fs';
import { chmod, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { git, gitOrNull, type GitUser } from '../git/git-runner.js';
import type { Logger } from '../logger.js';
import { implementedSandboxTypes } from '../models/work-order.js';
import { detectRemoteDefaultBranch } from './default-branch.js';
import { KeyedLock } from './keyed-lock.js';
import { type Sandbox, SandboxNotImplementedError, type SandboxRequest } from './sandbox-types.js';
import { makeFolder } from '../files/make-folder.js';
import { isWorkerOwned, shareMirrorWithAgent, worktreeAdminDirOf } from './mirror-ownership.js';
import { withScratchRepository } from '../git/scratch-repository.js';

export interface SandboxManagerOptions {
  repositoryDir: string;
  workOrderDir: string;
  logger: Logger;
  /**
   * The agent's user when it is not the worker's: the sandbox (and for a worktree the parts of the mirror its commits
   * write) is handed to it, so the agent can work there without any other write access. Every git command in a
   * sandbox then runs as this user too (see `agentGit`).
   */
  agentOwner?: GitUser;
}

const remoteTrackingRefspec = '+refs/heads/*:refs/remotes/origin/*';

/**
 * Creates and removes the checkout an agent works in. `git_worktree` keeps one bare mirror per repository (fetched,
 * never re-cloned) with a worktree per work order; `git_branch` clones afresh per work order.
 */
export class SandboxManager {
  private readonly mirrorLock = new KeyedLock();

  constructor(private readonly options: SandboxManagerOptions) {}

  /**
   * Who runs git in a sandbox: the agent can write its git dir, and git runs programs that repository config names
   * (filters, textconv, askPass...) in the name of whoever runs git there. So never the worker when it is root.
   */
  get agentGit(): GitUser | undefined {
    return this.options.agentOwner;
  }

  sandboxPathFor(agentWorkOrderId: string): string {
    return path.join(this.options.workOrderDir, agentWorkOrderId, 'sandbox');
  }

  mirrorPathFor(request: Pick<SandboxRequest, 'host' | 'owner' | 'name'>): string {
    return path.join(this.options.repositoryDir, request.host, request.owner, `${request.name}.git`);
  }

  async create(request: SandboxRequest, authEnv: Record<string, string>): Promise<Sandbox> {
    if (!implementedSandboxTypes.includes(request.sandboxType)) throw new SandboxNotImplementedError(request.sandboxType);
    const sandboxPath = this.sandboxPathFor(request.agentWorkOrderId);
    await makeFolder(path.dirname(sandboxPath));
    if (request.sandboxType === 'git_worktree') return this.createWorktree(request, sandboxPath, authEnv);
    return this.createClone(request, sandboxPath, authEnv);
  }

  /**
   * Runs after every git command of the worker that wrote there: files it created are the worker's until then. Of a
   * worktree's mirror only the parts a commit writes are handed over (see shareMirrorWithAgent).
   */
  private async handToAgent(sandboxPath: string, mirrorPath?: string): Promise<void> {
    const owner = this.options.agentOwner;
    if (!owner) return;
    await execa('chown', ['-R', '--no-dereference', `${owner.uid}:${owner.gid}`, '--', sandboxPath]);
    await allowTraversalBetween(this.options.workOrderDir, sandboxPath);
    if (mirrorPath) {
      await shareMirrorWithAgent(mirrorPath, owner, await worktreeAdminDirOf(sandboxPath));
      await allowTraversalBetween(this.options.repositoryDir, mirrorPath);
    }
  }

  /**
   * A clone whose objects are hard links to the mirror's: everything but those files becomes the agent's. The linked
   * objects stay the worker's and read-only (git writes them 0444), so the agent reads them, adds its own objects in
   * its own folders, and cannot change a byte the mirror or another sandbox shares.
   */
  private async handCloneToAgent(sandboxPath: string): Promise<void> {
    const owner = this.options.agentOwner;
    if (!owner) return;
    await execa('find', [sandboxPath, '(', '-type', 'd', '-o', '-links', '1', ')', '-exec', 'chown', '--no-dereference', `${owner.uid}:${owner.gid}`, '--', '{}', '+']);
    await allowTraversalBetween(this.options.workOrderDir, sandboxPath);
  }

  async remove(agentWorkOrderId: string, mirrorPath: string | null): Promise<void> {
    const sandboxPath = this.sandboxPathFor(agentWorkOrderId);
    // The worker runs git in it as itself: only a mirror of its own, never a path read from a sandbox the agent wrote.
    if (mirrorPath && this.isMirrorPath(mirrorPath) && existsSync(mirrorPath)) {
      await this.mirrorLock.run(mirrorPath, async () => {
        await gitOrNull(['worktree', 'remove', '--force', '--force', sandboxPath], { cwd: mirrorPath });
        await rm(sandboxPath, { recursive: true, force: true });
        await gitOrNull(['worktree', 'prune'], { cwd: mirrorPath });
      });
    }
    await rm(sandboxPath, { recursive: true, force: true });
    this.options.logger.info({ agent_work_order_id: agentWorkOrderId, event: 'sandbox_sandbox_removed' }, 'sandbox_sandbox_removed');
  }

  /**
   * Runs `work` while no sandbox of this manager is being created in or removed from the mirror: retention uses it so
   * a mirror it judged unused is not deleted under a work order that is just setting up its worktree.
   */
  withMirrorLock<T>(mirrorPath: string, work: () => Promise<T>): Promise<T> {
    return this.mirrorLock.run(mirrorPath, work);
  }

  private async createWorktree(request: SandboxRequest, sandboxPath: string, authEnv: Record<string, string>): Promise<Sandbox> {
    const mirrorPath = this.mirrorPathFor(request);
    return this.mirrorLock.run(mirrorPath, async () => {
      const { mirrorAction, baseBranch } = await this.syncMirror(request, mirrorPath, authEnv);
      const baseRef = `origin/${baseBranch}`;
      if (await this.isUsableCheckout(sandboxPath)) {
        await this.handToAgent(sandboxPath, mirrorPath);
        return { sandboxPath, baseBranch, baseRef, mirrorPath, reused: true, mirrorAction };
      }
      await rm(sandboxPath, { recursive: true, force: true });
      await git(['worktree', 'prune'], { cwd: mirrorPath });
      await git(['worktree', 'add', '--detach', sandboxPath, `refs/remotes/${baseRef}`], { cwd: mirrorPath });
      await this.handToAgent(sandboxPath, mirrorPath);
      this.log(request, 'sandbox_worktree_created', { sandbox_path: sandboxPath, base_branch: baseBranch });
      return { sandboxPath, baseBranch, baseRef, mirrorPath, reused: false, mirrorAction };
    });
  }

  /** The mirror brought up to date, and the remote's default branch (asked while the fetch runs: one round trip less). */
  private async syncMirror(
    request: SandboxRequest,
    mirrorPath: string,
    authEnv: Record<string, string>,
  ): Promise<{ mirrorAction: 'cloned' | 'fetched'; baseBranch: string }> {
    if (!existsSync(path.join(mirrorPath, 'HEAD'))) {
      await rm(mirrorPath, { recursive: true, force: true });
      await makeFolder(mirrorPath);
      // A bare repository with remote-tracking refs only: worktree branches live in refs/heads and are never
      // overwritten or pruned by later fetches, which a `--mirror` clone would do.
      await this.initMirrorConfig(request, mirrorPath);
      await git(['fetch', '--quiet', '--prune', 'origin'], { cwd: mirrorPath, env: authEnv });
      return { mirrorAction: 'cloned', baseBranch: await detectRemoteDefaultBranch(mirrorPath, 'origin', authEnv) };
    }
    const owner = this.options.agentOwner;
    if (owner && !(await isWorkerOwned(mirrorPath))) {
      // Shared whole with the agent by an older version: its config may hold the agent's programs. Take the mirror
      // back and write its config afresh before the worker runs git there.
      await shareMirrorWithAgent(mirrorPath, owner);
      await rm(path.join(mirrorPath, 'config'), { force: true });
      await rm(path.join(mirrorPath, 'objects', 'info', 'alternates'), { force: true });
      await this.initMirrorConfig(request, mirrorPath);
      this.log(request, 'sandbox_mirror_reclaimed', { mirror_path: mirrorPath });
    }
    const [, baseBranch] = await Promise.all([
      git(['fetch', '--quiet', '--prune', 'origin'], { cwd: mirrorPath, env: authEnv }),
      detectRemoteDefaultBranch(mirrorPath, 'origin', authEnv),
    ]);
    return { mirrorAction: 'fetched', baseBranch };
  }

  private async initMirrorConfig(request: SandboxRequest, mirrorPath: string): Promise<void> {
    await git(['init', '--bare', '--quiet'], { cwd: mirrorPath });
    await git(['remote', 'add', 'origin', request.cloneUrl], { cwd: mirrorPath });
    await git(['config', 'remote.origin.fetch', remoteTrackingRefspec], { cwd: mirrorPath });
  }

  private async createClone(request: SandboxRequest, sandboxPath: string, authEnv: Record<string, string>): Promise<Sandbox> {
    if (await this.isUsableCheckout(sandboxPath)) {
      // Asked of the forge from a repository of the worker's: the clone (from a retried setup) may hold the agent's config.
      const baseBranch = await withScratchRepository([], (scratch) => detectRemoteDefaultBranch(scratch, request.cloneUrl, authEnv));
      await this.handCloneToAgent(sandboxPath);
      return { sandboxPath, baseBranch, baseRef: `origin/${baseBranch}`, mirrorPath: null, reused: true, mirrorAction: null };
    }
    await rm(sandboxPath, { recursive: true, force: true });
    const mirrorPath = this.mirrorPathFor(request);
    const baseBranch = await this.mirrorLock.run(mirrorPath, async () => {
      const synced = await this.syncMirror(request, mirrorPath, authEnv);
      await this.cloneFromMirror(request, mirrorPath, sandboxPath, synced.baseBranch);
      return synced.baseBranch;
    });
    await this.handCloneToAgent(sandboxPath);
    this.log(request, 'sandbox_clone_created', { sandbox_path: sandboxPath, base_branch: baseBranch });
    return { sandboxPath, baseBranch, baseRef: `origin/${baseBranch}`, mirrorPath: null, reused: false, mirrorAction: null };
  }

  /**
   * What `git clone --no-tags <url>` leaves, without the transfer: the mirror's objects hard-linked (copied when the
   * folders are on different file systems), its remote-tracking refs (the remote's branches as just fetched, none of the
   * worktree branches it keeps), origin pointing at the repository, and the default branch checked out tracking it.
   * Not a clone of the mirror itself, which would turn the mirror's own branches into this sandbox's remote branches.
   */
  private async cloneFromMirror(request: SandboxRequest, mirrorPath: string, sandboxPath: string, baseBranch: string): Promise<void> {
    await git(['init', '--quiet', `--initial-branch=${baseBranch}`, sandboxPath], { cwd: path.dirname(sandboxPath) });
    const objects = path.join(sandboxPath, '.git', 'objects');
    const linked = await execa('cp', ['-R', '--link', '--', `${path.join(mirrorPath, 'objects')}/.`, `${objects}/`], { reject: false });
    if (linked.exitCode !== 0) await execa('cp', ['-R', '--', `${path.join(mirrorPath, 'objects')}/.`, `${objects}/`]);
    const refs = await git(['for-each-ref', '--format=create %(refname) %(objectname)', 'refs/remotes/origin/'], { cwd: mirrorPath });
    await execa('git', ['update-ref', '--stdin'], { cwd: sandboxPath, input: `${refs}\n` });
    await git(['remote', 'add', 'origin', request.cloneUrl], { cwd: sandboxPath });
    await git(['config', 'remote.origin.tagOpt', '--no-tags'], { cwd: sandboxPath });
    await git(['symbolic-ref', 'refs/remotes/origin/HEAD', `refs/remotes/origin/${baseBranch}`], { cwd: sandboxPath });
    await git(['checkout', '--quiet', '-B', baseBranch, '--track', `origin/${baseBranch}`], { cwd: sandboxPath });
  }

  private async isUsableCheckout(sandboxPath: string): Promise<boolean> {
    if (!existsSync(sandboxPath)) return false;
    const inside = await gitOrNull(['rev-parse', '--is-inside-work-tree'], { cwd: sandboxPath, as: this.agentGit });
    const top = await gitOrNull(['rev-parse', '--show-toplevel'], { cwd: sandboxPath, as: this.agentGit });
    return inside === 'true' && top !== null && path.resolve(top) === path.resolve(sandboxPath);
  }

  /**
   * The object folder of the sandbox's repository (a worktree's mirror or the clone's own), asked as the agent and
   * accepted only inside the sandbox or the repositories folder: the agent may rewrite `.git` to point anywhere.
   */
  async objectStoreOf(sandboxPath: string): Promise<string> {
    const commonDir = await git(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: sandboxPath, as: this.agentGit });
    const objects = realOrResolved(path.join(commonDir, 'objects'));
    if (!isInside(realOrResolved(sandboxPath), objects) && !isInside(realOrResolved(this.options.repositoryDir), objects)) {
      throw new Error(`the sandbox's git objects (${objects}) are outside the sandbox and the repositories folder`);
    }
    return objects;
  }

  private isMirrorPath(mirrorPath: string): boolean {
    return isInside(realOrResolved(this.options.repositoryDir), realOrResolved(mirrorPath));
  }

  private log(request: SandboxRequest, event: string, fields: Record<string, unknown>): void {
    this.options.logger.info({ agent_work_order_id: request.agentWorkOrderId, event, ...fields }, event);
  }
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function realOrResolved(target: string): string {
  try {
    return realpathSync(target);
  } catch {
    return path.resolve(target);
  }
}

/** Folders between `root` (exclusive) and `target` (exclusive) that others cannot enter get o+x (enter, not list). */
async function allowTraversalBetween(root: string, target: string): Promise<void> {
  const relative = path.relative(root, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return;
  const parts = relative.split(path.sep).slice(0, -1);
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, (mode & 0o7777) | 0o001);
  }
}
