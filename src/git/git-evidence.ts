import { git, gitOrNull } from './git-runner.js';

/** What the agent did, read from the sandbox's git state rather than from the agent's own words. */
export interface GitEvidence {
  branchName: string | null;
  headSha: string | null;
  commitCount: number;
  filesChanged: number;
  latestCommitMessage: string | null;
  uncommittedFiles: number;
}

/** The branch checked out in `cwd`; null while HEAD is detached. */
export async function currentBranch(cwd: string): Promise<string | null> {
  return (await gitOrNull(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd })) || null;
}

/**
 * `baseRef` is the remote-tracking ref of the default branch the sandbox started from (e.g. `origin/trunk`), so
 * commits and files are counted for this work order only.
 */
export async function readGitEvidence(sandboxPath: string, baseRef: string): Promise<GitEvidence> {
  const cwd = sandboxPath;
  const branchName = await currentBranch(cwd);
  const headSha = await gitOrNull(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd });
  const countText = await gitOrNull(['rev-list', '--count', `${baseRef}..HEAD`], { cwd });
  const commitCount = Number(countText ?? 0) || 0;
  const changed = commitCount > 0 ? await git(['diff', '--name-only', `${baseRef}...HEAD`], { cwd }) : '';
  const latestCommitMessage = commitCount > 0 ? await git(['log', '-1', '--format=%s'], { cwd }) : null;
  const status = await git(['status', '--porcelain', '--untracked-files=all'], { cwd });
  return {
    branchName,
    headSha,
    commitCount,
    filesChanged: nonEmptyLines(changed).length,
    latestCommitMessage,
    uncommittedFiles: nonEmptyLines(status).length,
  };
}

function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim().length > 0);
}
