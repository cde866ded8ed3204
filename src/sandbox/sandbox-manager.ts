import { chmodSync, existsSync, mkdirSync, readdirSync, realpathSync, statSync, utimesSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { gitAuthEnv, type RemoteAccess } from '../git/git-auth.js';
import { git, gitOrNull, type GitUser } from '../git/git-runner.js';
import type { Logger } from '../logger.js';
import { implementedSandboxTypes } from '../models/work-order.js';
import { detectRemoteDefaultBranch, readRemoteHeads } from './default-branch.js';
import { KeyedLock } from './keyed-lock.js';
import { type Sandbox, SandboxNotImplementedError, type SandboxRequest } from './sandbox-types.js';
import { makeFolder } from '../files/make-folder.js';
import { readSmallFile } from './read-small-file.js';
import { isWorkerOwned, shareMirrorWithAgent, worktreeAdminDirOf } from './mirror-ownership.js';
import { withScratchRepository } from '../git/scratch-repository.js';
import { runProcessChecked } from '../process/process-runner.js';
import { SparePool, type SpareState } from './spare-pool.js';
import { cloneSpares, worktreeSpares } from './spare-kinds.js';
import { cloneFromMirror, mirrorStateFrom, mirrorStateOf, remoteRefsOf } from './mirror-clone.js';
import { isCurrentFor, mirrorAgreesWith, type SyncScope } from './mirror-freshness.js';
import { plainOriginUrl } from './mirror-origin.js';

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
  /** Sandboxes kept made ahead per mirror and sandbox type in use (see SparePool); 0 or unset: none. */
  spareSandboxes?: number;
}

/**
 * A refill's `git worktree add` and hand-over to the agent took the CPU that the work order's first agent needed next
 * (the workflow task's completion, its dispatch, the spawn): on two cores they cost the first agent 10-15 ms. After
 * this delay the agent is running, and the refill shares the machine with the model's wait.
 */
const spareRefillDelayMs = 300;

const remoteTrackingRefspec = '+refs/heads/*:refs/remotes/origin/*';

/** How a setup reaches the remote: the access for this process's own request, its git form for git's. */
interface Remote {
  access: RemoteAccess;
  authEnv: Record<string, string>;
}

/** A spare being placed at the sandbox's path while the remote is asked (see placeSpareAhead). */
interface PlacedAhead {
  /** The mirror's remote-tracking refs, read once for both. */
  localRefs: Promise<string>;
  placed: Promise<SpareState | null>;
}

interface MirrorSync {
  mirrorAction: 'cloned' | 'fetched';
  baseBranch: string;
  /** The mirror's remote-tracking refs when the sync read them and wrote nothing (see remoteRefsOf); else null. */
  refs: string | null;
}

/**
 * Creates and removes the checkout an agent works in. `git_worktree` keeps one bare mirror per repository (fetched,
 * never re-cloned) with a worktree per work order; `git_branch` clones afresh per work order.
 */
export class SandboxManager {
  private readonly mirrorLock = new KeyedLock();
  private readonly worktreeSpares: SparePool;
  private readonly cloneSpares: SparePool;
  /**
   * The last sync of each mirror: when it started, the default branch it found, and whether it left every branch
   * current (a worktree's sync that found its base current leaves the other branches as they were).
   */
  private readonly lastSync = new Map<string, { startedAt: number; baseBranch: string; complete: boolean }>();
  /**
   * Mirrors shared with the agent (shareMirrorWithAgent) since the worker last wrote their shared parts: a fetch writes
   * refs, folders and objects as the worker. Until then a sandbox's hand-over only needs its own worktree's files.
   * Kept in memory, so a restarted worker shares each mirror once again.
   */
  private readonly sharedMirrors = new Set<string>();
  private readonly background = new Set<Promise<void>>();
  /** Refills waiting for their delay: `settled` releases them at once. */
  private readonly delayedRefills = new Set<() => void>();

  constructor(private readonly options: SandboxManagerOptions) {
    const pool = { spareDir: path.join(options.workOrderDir, '.spare-sandboxes'), repositoryDir: options.repositoryDir, size: options.spareSandboxes ?? 0 };
    this.worktreeSpares = new SparePool(pool, worktreeSpares);
    this.cloneSpares = new SparePool(pool, cloneSpares);
  }

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

  /** `access`: the token git (and the HTTP read of the remote's refs) may send, and where to. */
  async create(request: SandboxRequest, access: RemoteAccess): Promise<Sandbox> {
    if (!implementedSandboxTypes.includes(request.sandboxType)) throw new SandboxNotImplementedError(request.sandboxType);
    const remote = { access, authEnv: gitAuthEnv(access.token, { scopeUrl: access.scopeUrl }) };
    const askedAt = performance.now();
    const sandboxPath = this.sandboxPathFor(request.agentWorkOrderId);
    // In place: the remote's answer, the setup's longest wait, is asked for only after it.
    await makeFolderInPlace(path.dirname(sandboxPath));
    if (request.sandboxType === 'git_worktree') return this.createWorktree(request, sandboxPath, remote, askedAt);
    return this.createClone(request, sandboxPath, remote, askedAt);
  }

  /** Resolves once the spares being prepared in the background are (tests, the bench, a worker shutting down). */
  async settled(): Promise<void> {
    for (const release of [...this.delayedRefills]) release();
    while (this.background.size > 0) await Promise.all(this.background);
  }

  /** True for a path that is one of the spares rather than a work order's sandbox. */
  isSpare(sandboxPath: string): boolean {
    return this.worktreeSpares.holds(sandboxPath);
  }

  /** Removes the mirror's spares; call under `withMirrorLock`, before the mirror itself is removed. */
  async removeSpares(mirrorPath: string): Promise<void> {
    this.sharedMirrors.delete(mirrorPath);
    await this.worktreeSpares.removeAll(mirrorPath);
    await this.cloneSpares.removeAll(mirrorPath);
    await rm(this.worktreeSpares.folderFor(mirrorPath), { recursive: true, force: true });
  }

  /**
   * Runs after every git command of the worker that wrote there: files it created are the worker's until then. Of a
   * worktree's mirror only the parts a commit writes are handed over (see shareMirrorWithAgent).
   */
  private async handToAgent(sandboxPath: string, mirrorPath: string): Promise<void> {
    const owner = this.options.agentOwner;
    if (!owner) return;
    if (this.sharedMirrors.has(mirrorPath)) return this.handWorktreeToAgent(sandboxPath, mirrorPath);
    // The sandbox and the mirror are handed over side by side: no file is in both.
    await Promise.all([
      (async () => {
        await runProcessChecked('chown', ['-R', '--no-dereference', `${owner.uid}:${owner.gid}`, '--', sandboxPath]);
        allowTraversalBetween(this.options.workOrderDir, sandboxPath);
      })(),
      (async () => {
        await shareMirrorWithAgent(mirrorPath, owner, await worktreeAdminDirOf(sandboxPath));
        allowTraversalBetween(this.options.repositoryDir, mirrorPath);
      })(),
    ]);
    this.sharedMirrors.add(mirrorPath);
  }

  /**
   * A worktree of a mirror already shared with the agent: nothing of the mirror changed hands since but this worktree's
   * admin folder, so one chown for both.
   */
  private async handWorktreeToAgent(sandboxPath: string, mirrorPath: string): Promise<void> {
    const owner = this.options.agentOwner;
    if (!owner) return;
    const adminDir = await worktreeAdminDirOf(sandboxPath);
    const ownAdminDir = adminDir && path.dirname(adminDir) === path.join(mirrorPath, 'worktrees') ? [adminDir] : [];
    await runProcessChecked('chown', ['-R', '--no-dereference', `${owner.uid}:${owner.gid}`, '--', sandboxPath, ...ownAdminDir]);
    allowTraversalBetween(this.options.workOrderDir, sandboxPath);
  }

  /**
   * A clone whose objects are hard links to the mirror's: everything but those files becomes the agent's. The linked
   * objects stay the worker's and read-only (git writes them 0444), so the agent reads them, adds its own objects in
   * its own folders, and cannot change a byte the mirror or another sandbox shares.
   */
  private async handCloneToAgent(sandboxPath: string): Promise<void> {
    const owner = this.options.agentOwner;
    if (!owner) return;
    await runProcessChecked('find', [sandboxPath, '(', '-type', 'd', '-o', '-links', '1', ')', '-exec', 'chown', '--no-dereference', `${owner.uid}:${owner.gid}`, '--', '{}', '+']);
    allowTraversalBetween(this.options.workOrderDir, sandboxPath);
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

  private async createWorktree(request: SandboxRequest, sandboxPath: string, remote: Remote, askedAt: number): Promise<Sandbox> {
    const mirrorPath = this.mirrorPathFor(request);
    const sandbox = await this.mirrorLock.run(mirrorPath, async (): Promise<Sandbox> => {
      const ahead = this.placeSpareAhead(request, mirrorPath, sandboxPath);
      const synced = await this.syncMirror(request, mirrorPath, remote, askedAt, 'base', ahead?.localRefs).catch(async (error: unknown) => {
        await this.undoPlacedAhead(ahead, mirrorPath, sandboxPath);
        throw error;
      });
      const { mirrorAction, baseBranch } = synced;
      const baseRef = `origin/${baseBranch}`;
      if (await this.finishPlacedAhead(ahead, request, mirrorPath, sandboxPath, synced)) {
        this.log(request, 'sandbox_worktree_created', { sandbox_path: sandboxPath, base_branch: baseBranch, from_spare: true, placed_ahead: true });
        return { sandboxPath, baseBranch, baseRef, mirrorPath, reused: false, mirrorAction };
      }
      if (await this.isUsableCheckout(sandboxPath)) {
        await this.handToAgent(sandboxPath, mirrorPath);
        return { sandboxPath, baseBranch, baseRef, mirrorPath, reused: true, mirrorAction };
      }
      if (existsSync(sandboxPath)) await rm(sandboxPath, { recursive: true, force: true });
      const [, wanted] = await Promise.all([
        this.dropRegistrationOf(mirrorPath, sandboxPath),
        mirrorStateAfter(synced, mirrorPath, request.cloneUrl),
      ]);
      const fromSpare = await this.claimSpare(this.worktreeSpares, request, mirrorPath, wanted, sandboxPath);
      if (!fromSpare) await git(['worktree', 'add', '--detach', sandboxPath, wanted.commit], { cwd: mirrorPath });
      await this.handToAgent(sandboxPath, mirrorPath);
      this.log(request, 'sandbox_worktree_created', { sandbox_path: sandboxPath, base_branch: baseBranch, from_spare: fromSpare });
      return { sandboxPath, baseBranch, baseRef, mirrorPath, reused: false, mirrorAction };
    });
    this.refillLater(this.worktreeSpares, request, mirrorPath, sandbox.baseBranch);
    return sandbox;
  }

  /**
   * The remote's answer is a warm setup's longest wait. Meanwhile a spare made at the mirror's state (with the default
   * branch of its last sync) is placed and handed to the agent, to be kept when the answer shows the mirror current (the
   * usual case) and undone otherwise. Only for a first try on a mirror already shared with the agent, whose hand-over
   * is the sandbox's alone: a fetch in between rewrites shared parts, which the usual path then shares again.
   * Null when not tried; `placed` resolves to null when no current spare was there or anything failed (nothing left).
   */
  private placeSpareAhead(request: SandboxRequest, mirrorPath: string, sandboxPath: string): PlacedAhead | null {
    const guessedBase = this.lastSync.get(mirrorPath)?.baseBranch;
    const shared = !this.options.agentOwner || this.sharedMirrors.has(mirrorPath);
    if (!this.worktreeSpares.enabled || !guessedBase || !shared || existsSync(sandboxPath) || !existsSync(path.join(mirrorPath, 'HEAD'))) return null;
    const localRefs = remoteRefsOf(mirrorPath);
    const placed = (async (): Promise<SpareState | null> => {
      const wanted = mirrorStateFrom(await localRefs, request.cloneUrl, guessedBase);
      await this.dropRegistrationOf(mirrorPath, sandboxPath);
      if (!(await this.worktreeSpares.claim(mirrorPath, wanted, sandboxPath, { currentOnly: true }))) return null;
      await this.handWorktreeToAgent(sandboxPath, mirrorPath);
      return wanted;
    })().catch(async (error: unknown) => {
      this.debug(request, 'sandbox_spare_ahead_failed', { mirror_path: mirrorPath, error: String(error) });
      await this.removePlaced(mirrorPath, sandboxPath).catch(() => undefined);
      return null;
    });
    return { localRefs, placed };
  }

  /**
   * True when the sandbox placed ahead is what the usual path would make now: as placed when the mirror was current,
   * else moved on to the base's new tip (the fetch's new parts of the mirror shared with the agent again, then checked
   * out as the agent, whose the sandbox is now). False, with nothing left at the sandbox's path, when nothing was placed or it cannot be.
   */
  private async finishPlacedAhead(ahead: PlacedAhead | null, request: SandboxRequest, mirrorPath: string, sandboxPath: string, synced: MirrorSync): Promise<boolean> {
    const placed = await ahead?.placed;
    if (!placed) return false;
    try {
      const now = await mirrorStateAfter(synced, mirrorPath, request.cloneUrl);
      if (now.commit === placed.commit) return true;
      await this.handToAgent(sandboxPath, mirrorPath);
      await git(['checkout', '--quiet', '--force', '--detach', now.commit], { cwd: sandboxPath, as: this.agentGit });
      return true;
    } catch (error) {
      this.debug(request, 'sandbox_spare_ahead_failed', { mirror_path: mirrorPath, error: String(error) });
      await this.removePlaced(mirrorPath, sandboxPath);
      return false;
    }
  }

  private async undoPlacedAhead(ahead: PlacedAhead | null, mirrorPath: string, sandboxPath: string): Promise<void> {
    if (await ahead?.placed) await this.removePlaced(mirrorPath, sandboxPath);
  }

  /** Removes a worktree placed at the sandbox's path, registration and all (pruned once its folder is gone). */
  private async removePlaced(mirrorPath: string, sandboxPath: string): Promise<void> {
    await rm(sandboxPath, { recursive: true, force: true });
    await git(['worktree', 'prune'], { cwd: mirrorPath });
  }

  /** A spare that cannot be claimed is never a failed setup: the sandbox is made the usual way instead. */
  private async claimSpare(pool: SparePool, request: SandboxRequest, mirrorPath: string, wanted: SpareState, sandboxPath: string): Promise<boolean> {
    if (!pool.enabled) return false;
    try {
      return await pool.claim(mirrorPath, wanted, sandboxPath);
    } catch (error) {
      this.log(request, 'sandbox_spare_claim_failed', { mirror_path: mirrorPath, error: String(error) });
      await this.removePlaced(mirrorPath, sandboxPath);
      return false;
    }
  }

  /** After the work order has its sandbox, off its path: the next one of this type on this mirror then finds a spare. */
  private refillLater(pool: SparePool, request: SandboxRequest, mirrorPath: string, baseBranch: string): void {
    if (!pool.enabled) return;
    const delay = releasableDelay(spareRefillDelayMs);
    this.delayedRefills.add(delay.release);
    const refill = delay.done
      .then(() => {
        this.delayedRefills.delete(delay.release);
        return this.mirrorLock.run(mirrorPath, async () => {
          // Retention may have removed the mirror in between.
          if (!existsSync(path.join(mirrorPath, 'HEAD'))) return;
          await pool.refill(mirrorPath, await mirrorStateOf(mirrorPath, request.cloneUrl, baseBranch));
        });
      })
      .catch((error: unknown) => this.log(request, 'sandbox_spare_refill_failed', { mirror_path: mirrorPath, error: String(error) }))
      .finally(() => this.background.delete(refill));
    this.background.add(refill);
  }

  /**
   * The mirror brought up to date for a sandbox of `scope`, and the remote's default branch. One `ls-remote` tells the
   * default branch and every branch's tip; only when the mirror does not hold them yet does a fetch follow. `refs` are
   * the mirror's remote-tracking refs when no fetch ran (read while the remote answered), else null.
   */
  private async syncMirror(
    request: SandboxRequest,
    mirrorPath: string,
    remote: Remote,
    askedAt: number,
    scope: SyncScope,
    /** The mirror's remote-tracking refs, when the caller already asked for them. */
    localRefs?: Promise<string>,
  ): Promise<MirrorSync> {
    // Work orders that queued for the lock while another one synced: that sync started after they asked, so it saw
    // the remote as recently as their own would (six at once on one repository ask the remote once, not six times).
    const recent = this.lastSync.get(mirrorPath);
    if (recent && recent.startedAt >= askedAt && (scope === 'base' || recent.complete) && existsSync(path.join(mirrorPath, 'HEAD'))) {
      return { mirrorAction: 'fetched', baseBranch: recent.baseBranch, refs: null };
    }
    const startedAt = performance.now();
    const synced = await this.fetchMirror(request, mirrorPath, remote, scope, localRefs);
    this.lastSync.set(mirrorPath, { startedAt, baseBranch: synced.baseBranch, complete: synced.complete });
    return synced;
  }

  private async fetchMirror(
    request: SandboxRequest,
    mirrorPath: string,
    { access, authEnv }: Remote,
    scope: SyncScope,
    localRefs?: Promise<string>,
  ): Promise<MirrorSync & { complete: boolean }> {
    if (!existsSync(path.join(mirrorPath, 'HEAD'))) {
      this.sharedMirrors.delete(mirrorPath);
      await rm(mirrorPath, { recursive: true, force: true });
      await makeFolder(mirrorPath);
      // A bare repository with remote-tracking refs only: worktree branches live in refs/heads and are never
      // overwritten or pruned by later fetches, which a `--mirror` clone would do.
      await this.initMirrorConfig(request, mirrorPath);
      return { mirrorAction: 'cloned', baseBranch: await fetchWithDefaultBranch(mirrorPath, authEnv), refs: null, complete: true };
    }
    const owner = this.options.agentOwner;
    if (owner && !(await isWorkerOwned(mirrorPath))) {
      // Shared whole with the agent by an older version: its config may hold the agent's programs. Take the mirror
      // back and write its config afresh before the worker runs git there.
      this.sharedMirrors.delete(mirrorPath);
      await shareMirrorWithAgent(mirrorPath, owner);
      await rm(path.join(mirrorPath, 'config'), { force: true });
      await rm(path.join(mirrorPath, 'objects', 'info', 'alternates'), { force: true });
      await this.initMirrorConfig(request, mirrorPath);
      this.log(request, 'sandbox_mirror_reclaimed', { mirror_path: mirrorPath });
    }
    // Over HTTP from this process when the mirror's origin is plainly the request's URL (see readRefsOverHttp).
    const origin = plainOriginUrl(mirrorPath);
    const http = origin === request.cloneUrl ? { url: origin, access, onDeclined: (reason: string) => this.debug(request, 'sandbox_http_refs_declined', { reason }) } : undefined;
    const [remote, refs] = await Promise.all([readRemoteHeads(mirrorPath, 'origin', authEnv, http), localRefs ?? remoteRefsOf(mirrorPath)]);
    const agreement = mirrorAgreesWith(remote, refs);
    if (isCurrentFor(scope, agreement)) {
      // Retention reads FETCH_HEAD's time as the mirror's last use; a fetch that had nothing to bring would have set it.
      touch(path.join(mirrorPath, 'FETCH_HEAD'));
      return { mirrorAction: 'fetched', baseBranch: remote.baseBranch, refs, complete: agreement.all };
    }
    this.sharedMirrors.delete(mirrorPath);
    await git(['fetch', '--quiet', '--prune', 'origin'], { cwd: mirrorPath, env: authEnv });
    return { mirrorAction: 'fetched', baseBranch: remote.baseBranch, refs: null, complete: true };
  }

  /**
   * A registration of the mirror that still names the sandbox's path (a retried setup whose checkout was just removed)
   * is dropped: `worktree add` refuses the path otherwise, and a spare placed there would be registered twice. Read
   * from the admin folders, so the usual setup (no such registration) runs no git for it.
   */
  private async dropRegistrationOf(mirrorPath: string, sandboxPath: string): Promise<void> {
    const adminRoot = path.join(mirrorPath, 'worktrees');
    const gitFile = path.join(sandboxPath, '.git');
    const names = existsSync(adminRoot) ? readdirSync(adminRoot) : [];
    const gitdirs = names.map((name) => readSmallFile(path.join(adminRoot, name, 'gitdir')));
    if (gitdirs.some((gitdir) => gitdir.trim() !== '' && path.resolve(gitdir.trim()) === gitFile)) await git(['worktree', 'prune'], { cwd: mirrorPath });
  }

  private async initMirrorConfig(request: SandboxRequest, mirrorPath: string): Promise<void> {
    await git(['init', '--bare', '--quiet'], { cwd: mirrorPath });
    await git(['remote', 'add', 'origin', request.cloneUrl], { cwd: mirrorPath });
    await git(['config', 'remote.origin.fetch', remoteTrackingRefspec], { cwd: mirrorPath });
  }

  private async createClone(request: SandboxRequest, sandboxPath: string, remote: Remote, askedAt: number): Promise<Sandbox> {
    const { authEnv } = remote;
    if (await this.isUsableCheckout(sandboxPath)) {
      // Asked of the forge from a repository of the worker's: the clone (from a retried setup) may hold the agent's config.
      const baseBranch = await withScratchRepository([], (scratch) => detectRemoteDefaultBranch(scratch, request.cloneUrl, authEnv));
      await this.handCloneToAgent(sandboxPath);
      return { sandboxPath, baseBranch, baseRef: `origin/${baseBranch}`, mirrorPath: null, reused: true, mirrorAction: null };
    }
    await rm(sandboxPath, { recursive: true, force: true });
    const mirrorPath = this.mirrorPathFor(request);
    const { baseBranch, fromSpare } = await this.mirrorLock.run(mirrorPath, async () => {
      const synced = await this.syncMirror(request, mirrorPath, remote, askedAt, 'all');
      const wanted = await mirrorStateAfter(synced, mirrorPath, request.cloneUrl);
      const claimed = await this.claimSpare(this.cloneSpares, request, mirrorPath, wanted, sandboxPath);
      if (!claimed) await cloneFromMirror(mirrorPath, sandboxPath, wanted);
      return { baseBranch: synced.baseBranch, fromSpare: claimed };
    });
    await this.handCloneToAgent(sandboxPath);
    this.refillLater(this.cloneSpares, request, mirrorPath, baseBranch);
    this.log(request, 'sandbox_clone_created', { sandbox_path: sandboxPath, base_branch: baseBranch, from_spare: fromSpare });
    return { sandboxPath, baseBranch, baseRef: `origin/${baseBranch}`, mirrorPath: null, reused: false, mirrorAction: null };
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

  private debug(request: SandboxRequest, event: string, fields: Record<string, unknown>): void {
    this.options.logger.debug({ agent_work_order_id: request.agentWorkOrderId, event, ...fields }, event);
  }
}

/**
 * Fetches the mirror and asks the remote for its default branch at once (one round trip instead of two in a row), and
 * waits for both even when one fails: the mirror lock must not be let go while a fetch still writes.
 */
async function fetchWithDefaultBranch(mirrorPath: string, authEnv: Record<string, string>): Promise<string> {
  const [fetched, detected] = await Promise.allSettled([
    git(['fetch', '--quiet', '--prune', 'origin'], { cwd: mirrorPath, env: authEnv }),
    detectRemoteDefaultBranch(mirrorPath, 'origin', authEnv),
  ]);
  if (fetched.status === 'rejected') throw fetched.reason;
  if (detected.status === 'rejected') throw detected.reason;
  return detected.value;
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

/**
 * Folders between `root` (exclusive) and `target` (exclusive) that others cannot enter get o+x (enter, not list). In
 * place: a stat per folder, one or three of them, on every setup's path.
 */
function allowTraversalBetween(root: string, target: string): void {
  const relative = path.relative(root, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return;
  const parts = relative.split(path.sep).slice(0, -1);
  let current = root;
  for (const part of parts) {
    current = path.join(current, part);
    const { mode } = statSync(current);
    if ((mode & 0o001) === 0) chmodSync(current, (mode & 0o7777) | 0o001);
  }
}

/** FETCH_HEAD's time set to now; a mirror without one (never fetched) is left so. */
function touch(file: string): void {
  const now = new Date();
  try {
    utimesSync(file, now, now);
  } catch {
    // Nothing to mark: the next fetch writes it.
  }
}

/** What a sandbox made from the mirror after `synced` starts from: refs null means a sync fetched (read them now). */
async function mirrorStateAfter(synced: MirrorSync, mirrorPath: string, cloneUrl: string): Promise<SpareState> {
  return synced.refs === null ? mirrorStateOf(mirrorPath, cloneUrl, synced.baseBranch) : mirrorStateFrom(synced.refs, cloneUrl, synced.baseBranch);
}

/** In place when it can be; makeFolder says what is wrong when it cannot. */
async function makeFolderInPlace(folder: string): Promise<void> {
  try {
    mkdirSync(folder, { recursive: true });
  } catch {
    await makeFolder(folder);
  }
}

/** A wait that `release` ends early. */
function releasableDelay(ms: number): { done: Promise<void>; release: () => void } {
  let release = () => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    release = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, release };
}
