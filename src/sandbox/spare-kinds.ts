import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { git, gitOrNull } from '../git/git-runner.js';
import { worktreeAdminDirOf } from './mirror-ownership.js';
import { readSmallFile } from './read-small-file.js';
import { cloneFromMirror, moveCloneOn } from './mirror-clone.js';
import type { SpareKind, SpareState } from './spare-pool.js';

/**
 * git_worktree spares: worktrees of the mirror, detached at the base branch's tip as `git worktree add --detach`
 * leaves them. Git in them runs as the worker: they are its own, out of the agent's reach, and their config is the
 * mirror's.
 */
export const worktreeSpares: SpareKind = {
  prefix: 'worktree',
  async make(mirrorPath, sparePath, state) {
    await git(['worktree', 'add', '--quiet', '--detach', sparePath, state.commit], { cwd: mirrorPath });
  },
  /** Its `.git` names an admin folder of this mirror that points back at it, and its HEAD is the commit, detached. */
  async isIntact(mirrorPath, sparePath, made) {
    const adminDir = await worktreeAdminDirOf(sparePath);
    if (!adminDir || path.dirname(adminDir) !== path.join(mirrorPath, 'worktrees') || !existsSync(adminDir)) return false;
    const [gitdir, head] = ['gitdir', 'HEAD'].map((file) => readSmallFile(path.join(adminDir, file)));
    return path.resolve(gitdir!.trim()) === path.join(sparePath, '.git') && head!.trim() === made.commit;
  },
  isCurrent: (made, wanted) => made.commit === wanted.commit,
  async moveOn(_mirrorPath, sparePath, _made, wanted) {
    return (await gitOrNull(['checkout', '--quiet', '--force', '--detach', wanted.commit], { cwd: sparePath })) !== null;
  },
  /**
   * What `git worktree move` does, in the order that survives a crash: the registration first (until the rename it
   * names a missing folder, which `git worktree prune` drops), then the folder.
   */
  async place(_mirrorPath, sparePath, sandboxPath) {
    const adminDir = await worktreeAdminDirOf(sparePath);
    if (!adminDir) throw new Error(`the spare ${sparePath} has no worktree admin folder`);
    // In place, as the reads before it (see readSmallFile): two calls of microseconds on the setup's path.
    writeFileSync(path.join(adminDir, 'gitdir'), `${path.join(sandboxPath, '.git')}\n`);
    renameSync(sparePath, sandboxPath);
  },
  async discard(mirrorPath, sparePaths) {
    for (const sparePath of sparePaths) {
      await gitOrNull(['worktree', 'remove', '--force', '--force', sparePath], { cwd: mirrorPath });
      await rm(sparePath, { recursive: true, force: true });
    }
    if (sparePaths.length > 0) await gitOrNull(['worktree', 'prune'], { cwd: mirrorPath });
  },
};

/** git_branch spares: clones made from the mirror as `cloneFromMirror` makes them, independent of it afterwards. */
export const cloneSpares: SpareKind = {
  prefix: 'clone',
  make: (mirrorPath, sparePath, state) => cloneFromMirror(mirrorPath, sparePath, state),
  /** A crash is caught by the marker; what is checked here is that the clone's HEAD is still its base branch. */
  async isIntact(_mirrorPath, sparePath, made) {
    const head = readSmallFile(path.join(sparePath, '.git', 'HEAD'));
    return head.trim() === `ref: refs/heads/${made.baseBranch}`;
  },
  isCurrent: (made: SpareState, wanted: SpareState) =>
    made.commit === wanted.commit && made.refsDigest === wanted.refsDigest && made.baseBranch === wanted.baseBranch && made.cloneUrl === wanted.cloneUrl,
  moveOn: (mirrorPath, sparePath, made, wanted) => moveCloneOn(mirrorPath, sparePath, made, wanted),
  place: (_mirrorPath, sparePath, sandboxPath) => rename(sparePath, sandboxPath),
  async discard(_mirrorPath, sparePaths) {
    await Promise.all(sparePaths.map((sparePath) => rm(sparePath, { recursive: true, force: true })));
  },
};
