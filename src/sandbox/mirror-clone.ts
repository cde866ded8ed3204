import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../git/git-runner.js';
import { runProcess, runProcessChecked } from '../process/process-runner.js';
import type { SpareState } from './spare-pool.js';

/** The mirror's remote-tracking refs as `<sha> <ref>` lines: the remote's branches as last fetched. */
export async function remoteRefsOf(mirrorPath: string): Promise<string> {
  return git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/remotes/origin/'], { cwd: mirrorPath });
}

/** What a sandbox made from the mirror now starts from, read with one git command. */
export async function mirrorStateOf(mirrorPath: string, cloneUrl: string, baseBranch: string): Promise<SpareState> {
  return mirrorStateFrom(await remoteRefsOf(mirrorPath), cloneUrl, baseBranch);
}

/** The same from the mirror's remote-tracking refs as `remoteRefsOf` read them. */
export function mirrorStateFrom(refs: string, cloneUrl: string, baseBranch: string): SpareState {
  const baseLine = refs.split('\n').find((line) => line.endsWith(` refs/remotes/origin/${baseBranch}`));
  if (!baseLine) throw new Error(`the mirror has no branch ${baseBranch} of the remote (refs/remotes/origin/${baseBranch})`);
  return { cloneUrl, baseBranch, commit: baseLine.split(' ')[0]!, refsDigest: createHash('sha256').update(refs).digest('hex') };
}

/**
 * What `git clone --no-tags <url>` leaves, without the transfer: the mirror's objects hard-linked (copied when the
 * folders are on different file systems), its remote-tracking refs (the remote's branches as just fetched, none of the
 * worktree branches it keeps), origin pointing at the repository, and the default branch checked out tracking it.
 * Not a clone of the mirror itself, which would turn the mirror's own branches into this sandbox's remote branches.
 */
export async function cloneFromMirror(mirrorPath: string, sandboxPath: string, state: SpareState): Promise<void> {
  await git(['init', '--quiet', `--initial-branch=${state.baseBranch}`, sandboxPath], { cwd: path.dirname(sandboxPath) });
  const objects = path.join(sandboxPath, '.git', 'objects');
  const linked = await runProcess('cp', ['-R', '--link', '--', `${path.join(mirrorPath, 'objects')}/.`, `${objects}/`], { cwd: sandboxPath, env: process.env });
  if (linked.exitCode !== 0) await runProcessChecked('cp', ['-R', '--', `${path.join(mirrorPath, 'objects')}/.`, `${objects}/`]);
  await setRemoteRefs(mirrorPath, sandboxPath, '');
  await git(['remote', 'add', 'origin', state.cloneUrl], { cwd: sandboxPath });
  await git(['config', 'remote.origin.tagOpt', '--no-tags'], { cwd: sandboxPath });
  await git(['symbolic-ref', 'refs/remotes/origin/HEAD', `refs/remotes/origin/${state.baseBranch}`], { cwd: sandboxPath });
  await git(['checkout', '--quiet', '-B', state.baseBranch, '--track', `origin/${state.baseBranch}`], { cwd: sandboxPath });
}

/**
 * Brings a clone made by `cloneFromMirror` (and never handed out: it is the worker's) to what one made now would be:
 * the objects fetched since linked in, the remote-tracking refs set to the mirror's (gone ones deleted), and the base
 * branch reset to its new tip with only the files that differ written. A different base branch is not moved on to.
 */
export async function moveCloneOn(mirrorPath: string, clonePath: string, made: SpareState, wanted: SpareState): Promise<boolean> {
  if (made.baseBranch !== wanted.baseBranch) return false;
  await linkMissing(path.join(mirrorPath, 'objects'), path.join(clonePath, '.git', 'objects'));
  await setRemoteRefs(mirrorPath, clonePath, await remoteRefsOf(clonePath));
  if (made.cloneUrl !== wanted.cloneUrl) await git(['remote', 'set-url', 'origin', wanted.cloneUrl], { cwd: clonePath });
  if (made.commit !== wanted.commit) {
    await git(['checkout', '--quiet', '--force', '-B', wanted.baseBranch, '--track', `origin/${wanted.baseBranch}`], { cwd: clonePath });
  }
  return true;
}

/** The clone's remote-tracking refs become the mirror's (`current`: the clone's own now, deleted when gone). */
async function setRemoteRefs(mirrorPath: string, clonePath: string, current: string): Promise<void> {
  const wanted = await remoteRefsOf(mirrorPath);
  const keep = new Set(lines(wanted).map((line) => line.split(' ')[1]));
  const deletions = lines(current)
    .map((line) => line.split(' ')[1]!)
    .filter((ref) => !keep.has(ref) && ref !== 'refs/remotes/origin/HEAD')
    .map((ref) => `delete ${ref}`);
  const updates = lines(wanted).map((line) => `update ${line.split(' ')[1]} ${line.split(' ')[0]}`);
  await git(['update-ref', '--no-deref', '--stdin'], { cwd: clonePath, input: `${[...deletions, ...updates].join('\n')}\n` });
}

/** Hard-links (copies across file systems) every object file of `from` that `to` does not have yet. */
async function linkMissing(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const source = path.join(entry.parentPath, entry.name);
    const target = path.join(to, path.relative(from, source));
    if (existsSync(target)) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await link(source, target).catch(() => copyFile(source, target));
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
