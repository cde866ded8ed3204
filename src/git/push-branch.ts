import { git, type GitUser } from './git-runner.js';
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
}

const commitIdPattern = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Pushes the branch's tip to the forge without running git with the token in the sandbox, whose config the agent
 * writes (an askPass, a gpg.program, a remote URL of its choosing). The tip is read as the agent; the push runs from a
 * scratch repository of the worker's that borrows the sandbox's objects through alternates. Returns the pushed commit.
 */
export async function pushBranch(options: PushBranchOptions): Promise<string> {
  const { sandboxPath, branchName } = options;
  const tip = options.tip ?? (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branchName}^{commit}`], { cwd: sandboxPath, as: options.as })).trim();
  if (!commitIdPattern.test(tip)) throw new Error(`the tip of ${branchName} is not a commit id: ${JSON.stringify(tip.slice(0, 80))}`);
  await withScratchRepository([options.objectStore], async (scratchPath) => {
    await git(['check-ref-format', `refs/heads/${branchName}`], { cwd: scratchPath });
    await git(['push', '--quiet', options.cloneUrl, `${tip}:refs/heads/${branchName}`], {
      cwd: scratchPath,
      // A refused token must fail the push at once, not ask a program for another one.
      env: { ...options.authEnv, GIT_ASKPASS: '/bin/true' },
    });
  });
  return tip;
}
