import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { git, gitOrNull } from '../git/git-runner.js';
import { makeFolder } from '../files/make-folder.js';
import { worktreeAdminDirOf } from './mirror-ownership.js';

export interface SpareWorktreesOptions {
  /** Beside the sandboxes (work-orders/.spare-worktrees), so that claiming one is a rename on one file system. */
  spareDir: string;
  repositoryDir: string;
  /** Ready spares kept per mirror; 0 turns the pool off. */
  size: number;
}

interface ReadySpare {
  sparePath: string;
  marker: string;
  commit: string;
  adminDir: string;
}

const readySuffix = '.ready';
const sparePrefix = 'spare-';

/**
 * Worktrees of a mirror checked out ahead of time at the tip of its default branch, so that a work order's sandbox is
 * a rename instead of a checkout (on a large repository the checkout is most of a warm setup). A spare is the
 * worker's alone until claimed: its folder is not enterable by others, so what is handed out is exactly what git
 * checked out. A spare counts as ready only once its marker (`<name>.ready`, naming the commit) is written, which
 * happens last; anything else found in the pool (a crash mid-way, a registration that does not point back) is removed,
 * never handed out. Every method runs under the caller's lock of the mirror.
 */
export class SpareWorktrees {
  constructor(private readonly options: SpareWorktreesOptions) {}

  get enabled(): boolean {
    return this.options.size > 0;
  }

  folderFor(mirrorPath: string): string {
    return path.join(this.options.spareDir, path.relative(this.options.repositoryDir, mirrorPath));
  }

  /** True for a worktree path inside the pool (a spare, not a work order's sandbox). */
  holds(worktreePath: string): boolean {
    const relative = path.relative(this.options.spareDir, worktreePath);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  }

  /**
   * Moves a ready spare to `sandboxPath`, detached at `commit` as `git worktree add --detach` leaves it (a spare at an
   * older commit is moved on first: only the files that differ are written). False when the pool had none.
   */
  async claim(mirrorPath: string, commit: string, sandboxPath: string): Promise<boolean> {
    const spares = await this.readySpares(mirrorPath);
    const spare = spares.find((candidate) => candidate.commit === commit) ?? spares[0];
    if (!spare) return false;
    // No longer ready from here: a crash anywhere below leaves a folder the next refill removes.
    await rm(spare.marker, { force: true });
    if (spare.commit !== commit && !(await checkOut(spare.sparePath, commit))) {
      await this.discard(mirrorPath, [spare.sparePath]);
      return false;
    }
    // What `git worktree move` does, in the order that survives a crash: the registration first (until the rename it
    // names a missing folder, which `git worktree prune` drops), then the folder.
    await writeFile(path.join(spare.adminDir, 'gitdir'), `${path.join(sandboxPath, '.git')}\n`);
    await rename(spare.sparePath, sandboxPath);
    return true;
  }

  /** Brings the mirror's pool to its size in ready spares at `commit`: broken ones removed, stale ones moved on. */
  async refill(mirrorPath: string, commit: string): Promise<void> {
    if (!this.enabled) return;
    await makeFolder(this.options.spareDir, 0o700);
    await makeFolder(this.folderFor(mirrorPath), 0o700);
    const spares = await this.readySpares(mirrorPath);
    for (const spare of spares.filter((candidate) => candidate.commit !== commit)) {
      await rm(spare.marker, { force: true });
      if (await checkOut(spare.sparePath, commit)) await markReady(spare.sparePath, commit);
      else await this.discard(mirrorPath, [spare.sparePath]);
    }
    for (let count = (await this.readySpares(mirrorPath)).length; count < this.options.size; count += 1) {
      const sparePath = path.join(this.folderFor(mirrorPath), `${sparePrefix}${randomBytes(6).toString('hex')}`);
      await git(['worktree', 'add', '--quiet', '--detach', sparePath, commit], { cwd: mirrorPath });
      await markReady(sparePath, commit);
    }
  }

  /** Every spare of the mirror, ready or not (retention, before the mirror itself goes). */
  async removeAll(mirrorPath: string): Promise<void> {
    const folder = this.folderFor(mirrorPath);
    const entries = await readdir(folder).catch(() => []);
    await this.discard(mirrorPath, entries.filter((entry) => !entry.endsWith(readySuffix)).map((entry) => path.join(folder, entry)));
    await rm(folder, { recursive: true, force: true });
  }

  /** The intact ready spares; whatever else the pool holds is removed on the way. */
  private async readySpares(mirrorPath: string): Promise<ReadySpare[]> {
    const folder = this.folderFor(mirrorPath);
    const entries = await readdir(folder).catch(() => [] as string[]);
    const ready: ReadySpare[] = [];
    const broken: string[] = [];
    for (const entry of entries) {
      const entryPath = path.join(folder, entry);
      if (entry.endsWith(readySuffix)) {
        if (!entries.includes(entry.slice(0, -readySuffix.length))) await rm(entryPath, { force: true });
        continue;
      }
      const spare = await intactSpare(mirrorPath, entryPath);
      if (spare) ready.push(spare);
      else broken.push(entryPath);
    }
    if (broken.length > 0) await this.discard(mirrorPath, broken);
    return ready;
  }

  private async discard(mirrorPath: string, sparePaths: string[]): Promise<void> {
    for (const sparePath of sparePaths) {
      await gitOrNull(['worktree', 'remove', '--force', '--force', sparePath], { cwd: mirrorPath });
      await rm(sparePath, { recursive: true, force: true });
      await rm(`${sparePath}${readySuffix}`, { force: true });
    }
    if (sparePaths.length > 0) await gitOrNull(['worktree', 'prune'], { cwd: mirrorPath });
  }
}

/**
 * A spare whose marker names a commit, whose `.git` names an admin folder of this mirror that points back at it, and
 * whose HEAD is that commit, detached; null for anything else.
 */
async function intactSpare(mirrorPath: string, sparePath: string): Promise<ReadySpare | null> {
  const marker = `${sparePath}${readySuffix}`;
  const commit = (await readFile(marker, 'utf8').catch(() => '')).trim();
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit)) return null;
  const adminDir = await worktreeAdminDirOf(sparePath);
  if (!adminDir || path.dirname(adminDir) !== path.join(mirrorPath, 'worktrees') || !existsSync(adminDir)) return null;
  const [gitdir, head] = await Promise.all(['gitdir', 'HEAD'].map((file) => readFile(path.join(adminDir, file), 'utf8').catch(() => '')));
  if (path.resolve(gitdir!.trim()) !== path.join(sparePath, '.git') || head!.trim() !== commit) return null;
  return { sparePath, marker, commit, adminDir };
}

/** Run as the worker: the spare is its own and out of the agent's reach, and its config is the mirror's. */
async function checkOut(sparePath: string, commit: string): Promise<boolean> {
  return (await gitOrNull(['checkout', '--quiet', '--force', '--detach', commit], { cwd: sparePath })) !== null;
}

async function markReady(sparePath: string, commit: string): Promise<void> {
  const marker = `${sparePath}${readySuffix}`;
  await writeFile(`${marker}.tmp`, `${commit}\n`);
  await rename(`${marker}.tmp`, marker);
}
