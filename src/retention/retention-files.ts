import { type Dirent, existsSync } from 'node:fs';
import { readdir, readFile, realpath, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { currentBranch } from '../git/git-evidence.js';
import { git, GitCommandError, gitOrNull, type GitUser } from '../git/git-runner.js';
import type { UnpushedWork } from './retention-types.js';

/** What the sandbox holds that exists nowhere else, or why it could not be read. */
export type SandboxInspection = { kind: 'checkout'; mirrorPath: string | null; unpushed: UnpushedWork } | { kind: 'unreadable'; detail: string };

/**
 * What deleting the sandbox would lose: commits no origin ref holds, and changes never committed. `as`: the agent's
 * user, because the sandbox's git config is the agent's (SandboxManager.agentGit).
 */
export async function inspectSandbox(agentWorkOrderId: string, sandboxPath: string, as?: GitUser): Promise<SandboxInspection> {
  const cwd = sandboxPath;
  try {
    // Without this check, git would answer for a repository further up (e.g. an AWO_HOME inside a checkout).
    const top = await gitOrNull(['rev-parse', '--show-toplevel'], { cwd, as });
    if (top === null || (await realpath(top)) !== (await realpath(sandboxPath))) {
      return { kind: 'unreadable', detail: 'the sandbox folder is not a git checkout of its own' };
    }
    const gitDir = await git(['rev-parse', '--path-format=absolute', '--git-dir'], { cwd, as });
    const commonDir = await git(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd, as });
    const hasCommit = (await gitOrNull(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd, as })) !== null;
    const unpushedShas = hasCommit ? lines(await git(['rev-list', 'HEAD', '--not', '--remotes=origin'], { cwd, as })) : [];
    const branch = await currentBranch(cwd, as);
    const uncommitted = lines(await git(['status', '--porcelain'], { cwd, as }));
    return {
      kind: 'checkout',
      // A worktree's git dir lives inside its mirror; a clone's is its own.
      mirrorPath: path.resolve(gitDir) === path.resolve(commonDir) ? null : path.resolve(commonDir),
      unpushed: { id: agentWorkOrderId, branch, commits: unpushedShas.length, uncommittedFiles: uncommitted.length, sandboxPath },
    };
  } catch (error) {
    if (error instanceof GitCommandError) return { kind: 'unreadable', detail: error.message };
    throw error;
  }
}

/** metadata.json's updated_at (the final state cleanup saved), else the newest mtime of the folder and its log. */
export async function lastActivityOf(folder: string): Promise<number> {
  try {
    const metadata = JSON.parse(await readFile(path.join(folder, 'metadata.json'), 'utf8')) as { updated_at?: unknown };
    const updatedAt = typeof metadata.updated_at === 'string' ? Date.parse(metadata.updated_at) : Number.NaN;
    if (Number.isFinite(updatedAt)) return updatedAt;
  } catch {
    // No metadata (the work order never reached cleanup) or a damaged file: the file times decide.
  }
  // Appending to logs.jsonl does not touch the folder's mtime, so the log's own mtime is read too.
  return Math.max(await mtimeOrZero(folder), await mtimeOrZero(path.join(folder, 'logs.jsonl')));
}

/** Mirrors sit at repositories/<host>/<owner>/<name>.git (see SandboxManager.mirrorPathFor). */
export async function findMirrors(repositoryDir: string): Promise<string[]> {
  const mirrors: string[] = [];
  for (const host of await readdirOrEmpty(repositoryDir)) {
    if (!host.isDirectory()) continue;
    for (const owner of await readdirOrEmpty(path.join(repositoryDir, host.name))) {
      if (!owner.isDirectory()) continue;
      for (const name of await readdirOrEmpty(path.join(repositoryDir, host.name, owner.name))) {
        const mirrorPath = path.join(repositoryDir, host.name, owner.name, name.name);
        if (name.isDirectory() && name.name.endsWith('.git') && existsSync(path.join(mirrorPath, 'HEAD'))) mirrors.push(mirrorPath);
      }
    }
  }
  return mirrors.sort();
}

/** Linked worktrees registered in a bare mirror (the mirror itself is listed first, as `bare`). */
export async function registeredWorktrees(mirrorPath: string): Promise<string[]> {
  const output = await git(['worktree', 'list', '--porcelain'], { cwd: mirrorPath });
  return output
    .split('\n\n')
    .map((block) => block.split('\n'))
    .filter((block) => !block.includes('bare'))
    .map((block) => block.find((line) => line.startsWith('worktree '))?.slice('worktree '.length))
    .filter((worktreePath): worktreePath is string => Boolean(worktreePath));
}

/** A fetch rewrites FETCH_HEAD and adding a worktree touches worktrees/: the newest of those is the last use. */
export async function lastMirrorUse(mirrorPath: string): Promise<number> {
  const times = await Promise.all(['.', 'FETCH_HEAD', 'worktrees'].map((entry) => mtimeOrZero(path.join(mirrorPath, entry))));
  return Math.max(...times);
}

export async function removeEmptyParents(folder: string, stopAt: string): Promise<void> {
  for (let current = folder; path.resolve(current) !== path.resolve(stopAt) && current.startsWith(stopAt); current = path.dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty: another repository of the same owner or host lives there
    }
  }
}

export async function readdirOrEmpty(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function mtimeOrZero(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
