import { constants } from 'node:fs';
import { type FileHandle, open, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { maxPlanLength } from '../models/plan-approval.js';

/** Where the planning command asks the agent to write its plan (.claude/commands/agent-work-orders/planning.md). */
export function conventionalPlanPath(agentWorkOrderId: string): string {
  return `PRPs/features/${agentWorkOrderId}-plan.md`;
}

/**
 * Relative paths of the plan file to look for, most likely first: the conventional one, then any Markdown path the
 * planning step's answer names (agents answer "Plan written to PRPs/..."). Absolute paths and `..` are dropped.
 */
export function planPathCandidates(agentWorkOrderId: string, planOutput: string | null): string[] {
  const named = [...(planOutput ?? '').matchAll(/[\w./-]+\.md\b/g)].map((match) => match[0].replace(/^\.\//, ''));
  const safe = named.filter((candidate) => !path.isAbsolute(candidate) && !candidate.split('/').includes('..'));
  return [...new Set([conventionalPlanPath(agentWorkOrderId), ...safe])];
}

/**
 * The plan file opened for reading or for rewriting, if what was opened is a regular file inside the sandbox. The check
 * is made on the open file itself (its /proc link), not on the path before opening: the worker does this as root, and
 * a process the agent left behind could swap a folder for a symlink between a path check and the open. Non-blocking, so
 * a FIFO in the plan's place cannot hang the activity. Null for anything else, which the caller treats as no file.
 */
export async function openPlanFile(sandboxPath: string, relativePath: string, mode: 'read' | 'rewrite'): Promise<FileHandle | null> {
  let root: string;
  let handle: FileHandle;
  try {
    root = await realpath(sandboxPath);
    handle = await open(path.join(root, relativePath), (mode === 'read' ? constants.O_RDONLY : constants.O_WRONLY) | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const opened = await readlink(`/proc/self/fd/${handle.fd}`);
    if (opened.startsWith(`${root}${path.sep}`) && (await handle.stat()).isFile()) return handle;
  } catch {
    // Whatever cannot be checked is not read or written.
  }
  await handle.close();
  return null;
}

/** The start of the file, at most a plan's length: a huge file written by mistake must not flood the history. */
export async function readPlanText(handle: FileHandle): Promise<string> {
  const buffer = Buffer.alloc(maxPlanLength * 4);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
  return buffer.subarray(0, bytesRead).toString('utf8').slice(0, maxPlanLength);
}
