import os from 'node:os';
import type { RemoteAccess } from './git-auth.js';
import { git, type GitUser } from './git-runner.js';
import { pushRefOverHttp } from './receive-pack-http.js';
import { withScratchRepository } from './scratch-repository.js';

export interface PushBranchOptions {
  sandboxPath: string;
  branchName: string;
  /** Credential-free URL of the repository on the forge. */
  cloneUrl: string;
  /** The token header (gitAuthEnv): it reaches the push's own git process only. */
  authEnv: Record<string, string>;
  /** Who may run git in the sandbox (the agent's user when the worker is root). */
  as?: GitUser;
  /** The sandbox's object folder, checked to lie where the worker put it (SandboxManager.objectStoreOf). */
  objectStore: string;
  /** The branch's tip when the caller has read it already as `as` (e.g. HEAD with the branch checked out). */
  tip?: string;
  /**
   * The tip an earlier push of ours left on the forge's branch: the push then replaces it even when the new tip does
   * not descend from it (a commit amended since), and fails when the branch has moved elsewhere meanwhile.
   */
  lease?: string;
  /**
   * Commits the forge has for certain (where the branch's commits start): with them and `httpAccess`, the push is one
   * POST from this process (pushRefOverHttp), and git pushes only when that is declined.
   */
  remoteHas?: readonly string[];
  /** The token and its scope, as `authEnv` carries them for git. */
  httpAccess?: RemoteAccess;
  /** Why the push was left to git (a debug event's worth). */
  onHttpDeclined?: (reason: string) => void;
}

// Bounds only the attempt: git, which pushes after a decline, has its own timeout.
const httpPushTimeoutMs = 30_000;
const commitIdPattern = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const plainComponent = '[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?';
const plainBranchPattern = new RegExp(`^${plainComponent}(?:/${plainComponent})*$`);

/**
 * Branch names that `git check-ref-format` accepts for certain (letters, digits, `_`, `-`, inner dots, `/` between
 * parts), so the usual name costs no git process on the push's way; any other name is left to git.
 */
export function isPlainBranchName(branchName: string): boolean {
  return plainBranchPattern.test(branchName) && !branchName.includes('..') && !branchName.split('/').some((part) => part.endsWith('.lock'));
}

/**
 * Pushes the branch's tip to the forge without running git with the token in the sandbox, whose config the agent
 * writes (an askPass, a gpg.program, a remote URL of its choosing). The tip is read as the agent; the push runs from a
 * scratch repository of the worker's that borrows the sandbox's objects through alternates. Returns the pushed commit.
 */
export async function pushBranch(options: PushBranchOptions): Promise<string> {
  const { sandboxPath, branchName } = options;
  const tip = options.tip ?? (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branchName}^{commit}`], { cwd: sandboxPath, as: options.as })).trim();
  if (!commitIdPattern.test(tip)) throw new Error(`the tip of ${branchName} is not a commit id: ${JSON.stringify(tip.slice(0, 80))}`);
  if (options.lease !== undefined && !commitIdPattern.test(options.lease)) throw new Error(`the lease of ${branchName} is not a commit id`);
  const lease = options.lease === undefined ? [] : [`--force-with-lease=refs/heads/${branchName}:${options.lease}`];
  // The agent names the branch: it must be one ref, never a refspec of its own. git decides unless it is plainly one.
  if (!isPlainBranchName(branchName)) await git(['check-ref-format', `refs/heads/${branchName}`], { cwd: os.tmpdir() });
  await withScratchRepository([options.objectStore], async (scratchPath) => {
    if (options.remoteHas && options.httpAccess) {
      const update = { ref: `refs/heads/${branchName}`, tip, old: options.lease ?? null, remoteHas: options.remoteHas };
      const answer = await pushRefOverHttp(options.cloneUrl, options.httpAccess, update, { scratchPath, timeoutMs: httpPushTimeoutMs });
      if ('pushed' in answer) return;
      options.onHttpDeclined?.(answer.declined);
    }
    await git(['push', '--quiet', ...lease, options.cloneUrl, `${tip}:refs/heads/${branchName}`], {
      cwd: scratchPath,
      // A refused token must fail the push at once, not ask a program for another one.
      env: { ...options.authEnv, GIT_ASKPASS: '/bin/true' },
    });
  });
  return tip;
}
