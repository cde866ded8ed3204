import { open, realpath } from 'node:fs/promises';
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
 * The absolute path of `relativePath` in the sandbox if it is a regular file that really lies inside it (a symlink the
 * agent made pointing elsewhere is refused), else null.
 */
export async function planFileInSandbox(sandboxPath: string, relativePath: string): Promise<string | null> {
  try {
    const root = await realpath(sandboxPath);
    const resolved = await realpath(path.join(root, relativePath));
    if (!resolved.startsWith(`${root}${path.sep}`)) return null;
    return resolved;
  } catch {
    return null;
  }
}

/** The start of the file, at most a plan's length: a huge file written by mistake must not flood the history. */
export async function readPlanText(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxPlanLength * 4);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').slice(0, maxPlanLength);
  } finally {
    await handle.close();
  }
}
