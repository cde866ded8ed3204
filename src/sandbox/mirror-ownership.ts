import { existsSync, lstatSync } from 'node:fs';
import { chmod, lchown, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { readSmallFile } from './read-small-file.js';
import path from 'node:path';
import { runProcessChecked } from '../process/process-runner.js';

export interface Owner {
  uid: number;
  gid: number;
}

/** What a commit, a branch and a reflog entry in a linked worktree write to its mirror; the rest stays the worker's. */
const agentParts = new Set(['refs', 'logs', 'objects', 'worktrees']);

/** The 256 loose-object folders git writes into (objects/00 .. objects/ff). */
export const looseObjectFolders: readonly string[] = Array.from({ length: 256 }, (_, index) => index.toString(16).padStart(2, '0'));

/**
 * The worker runs git as root in the mirror (fetch with the token, worktree add/remove), so the agent must not be able
 * to change what that git reads as instructions: the config (filters, textconv, askPass... run programs), HEAD,
 * packed-refs, info/ (attributes), hooks/ and objects/info/ (alternates). Those, and the mirror folder itself (so none
 * of them can be replaced), belong to the worker and are not writable for others. The agent gets only what its git
 * writes in a worktree: refs/, logs/, the loose-object and pack folders, and the worktree's own admin folder. Only the
 * top of the mirror and the ref folders are walked, never the objects, so a large repository hands over as quickly as
 * a small one.
 */
export async function shareMirrorWithAgent(mirrorPath: string, agent: Owner, worktreeAdminDir?: string): Promise<void> {
  const worker = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const objects = path.join(mirrorPath, 'objects');
  const objectsInfo = path.join(objects, 'info');
  await mkdir(objectsInfo, { recursive: true });
  // The folders first: from then on nothing can be added to or swapped in them behind the walk below.
  await claimFolders(worker, [mirrorPath, objects, path.join(mirrorPath, 'worktrees')].filter((folder) => existsSync(folder)));
  const entries = (await readdir(mirrorPath)).filter((entry) => !agentParts.has(entry)).map((entry) => path.join(mirrorPath, entry));
  // git never makes links at the top of a bare repository: one there was planted (a mirror shared the old way).
  const links = await Promise.all(entries.map(async (entryPath) => (await lstat(entryPath)).isSymbolicLink()));
  await Promise.all(entries.filter((_, index) => links[index]).map((entryPath) => rm(entryPath)));
  const workerParts = entries.filter((_, index) => !links[index]);
  const agentFolders = [...looseObjectFolders, 'pack'].map((folder) => path.join(objects, folder));
  // Only the folders that are not there yet are made (one listing instead of 257 calls on every setup).
  const present = new Set((await readdir(objects, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => path.join(objects, entry.name)));
  const missing = [...agentFolders.filter((folder) => !present.has(folder)), path.join(mirrorPath, 'refs'), path.join(mirrorPath, 'logs')];
  await Promise.all(missing.map((folder) => mkdir(folder, { recursive: true })));
  const agentTrees = [path.join(mirrorPath, 'refs'), path.join(mirrorPath, 'logs')];
  if (worktreeAdminDir && path.dirname(worktreeAdminDir) === path.join(mirrorPath, 'worktrees')) agentTrees.push(worktreeAdminDir);
  // Disjoint sets, each in a folder already the worker's: handed over at once (each command once cost a sandbox setup
  // tens of milliseconds on a loaded host). The loose-object folders are 257 single calls, not worth a process.
  await Promise.all([
    claimTrees(worker, [...workerParts, objectsInfo]),
    Promise.all(agentFolders.map((folder) => lchown(folder, agent.uid, agent.gid))),
    runProcessChecked('chown', ['-R', '--no-dereference', `${agent.uid}:${agent.gid}`, '--', ...agentTrees]),
  ]);
}

/** False for a mirror the agent could write as a whole (one shared by an older version of the service). */
export async function isWorkerOwned(mirrorPath: string): Promise<boolean> {
  const uid = process.getuid?.() ?? 0;
  // Read in place: two lstat calls take microseconds, a trip through the thread pool milliseconds on a loaded worker.
  const [folder, config] = [lstatSync(mirrorPath), lstatSync(path.join(mirrorPath, 'config'))];
  return folder.uid === uid && config.uid === uid && !config.isSymbolicLink();
}

/** The worktree's admin folder (mirror/worktrees/<id>) a freshly added worktree's `.git` file names. */
export async function worktreeAdminDirOf(sandboxPath: string): Promise<string | undefined> {
  const text = readSmallFile(path.join(sandboxPath, '.git'));
  const match = /^gitdir: (.+)$/m.exec(text);
  return match ? path.resolve(sandboxPath, match[1].trim()) : undefined;
}

/** The worker's, not writable by others; not followed when one is a link (there is none unless planted). */
async function claimFolders(worker: Owner, folders: string[]): Promise<void> {
  for (const folder of folders) {
    await lchown(folder, worker.uid, worker.gid);
    const stats = await lstat(folder);
    if (!stats.isSymbolicLink()) await chmod(folder, stats.mode & 0o7777 & ~0o022);
  }
}

/** The worker's with everything below, then not writable by others (in that order: an owner could add the bit back). */
async function claimTrees(worker: Owner, targets: string[]): Promise<void> {
  await runProcessChecked('chown', ['-R', '--no-dereference', `${worker.uid}:${worker.gid}`, '--', ...targets]);
  await runProcessChecked('chmod', ['-R', 'go-w', '--', ...targets]);
}
