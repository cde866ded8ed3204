import { git, gitOrNull, type GitUser } from './git-runner.js';

/** What the agent did, read from the sandbox's git state rather than from the agent's own words. */
export interface GitEvidence {
  branchName: string | null;
  headSha: string | null;
  commitCount: number;
  filesChanged: number;
  latestCommitMessage: string | null;
  uncommittedFiles: number;
}

/** A sandbox's git state: the evidence, and the subjects of the commits since the base (newest first). */
export interface SandboxReading {
  evidence: GitEvidence;
  commitSubjects: string[];
  /** The base's commits these commits grow from (`log --boundary`): the remote has them, so a push leaves them out. */
  baseCommits: string[];
}

/** The branch checked out in `cwd`; null while HEAD is detached. `as`: the agent's user (SandboxManager.agentGit). */
export async function currentBranch(cwd: string, as?: GitUser): Promise<string | null> {
  return (await gitOrNull(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, as })) || null;
}

/**
 * `baseRef` is the remote-tracking ref of the default branch the sandbox started from (e.g. `origin/trunk`), so
 * commits and files are counted for this work order only.
 *
 * Three git processes run at once (this sits between two agent steps): `status --branch` gives the branch, HEAD and
 * the uncommitted files; `log` the commits since the base and the latest subject; `diff` the files they changed (empty
 * when there are none, an error when HEAD or the base does not exist yet, which counts as nothing).
 */
export async function readGitEvidence(sandboxPath: string, baseRef: string, as?: GitUser): Promise<GitEvidence> {
  return (await readGitEvidenceAndCommits(sandboxPath, baseRef, as)).evidence;
}

/** The same, with the subjects of the commits since the base (newest first) that its `log` read anyway. */
export async function readGitEvidenceAndCommits(sandboxPath: string, baseRef: string, as?: GitUser): Promise<SandboxReading> {
  const cwd = sandboxPath;
  const [status, log, changed] = await Promise.all([
    git(['status', '--porcelain=v2', '--branch', '--untracked-files=all'], { cwd, as }),
    gitOrNull(['log', '--boundary', '--format=%m%H %s', `${baseRef}..HEAD`], { cwd, as }),
    gitOrNull(['diff', '--name-only', `${baseRef}...HEAD`], { cwd, as }),
  ]);
  const statusLines = nonEmptyLines(status);
  const header = (name: string) => statusLines.find((line) => line.startsWith(`# branch.${name} `))?.slice(`# branch.${name} `.length) ?? null;
  const head = header('head');
  const oid = header('oid');
  const logLines = nonEmptyLines(log ?? '');
  // `>` marks a commit of the range, `-` a boundary commit (the subject may be empty: the first space ends the id).
  const commitSubjects = logLines.filter((line) => line.startsWith('>')).map((line) => line.slice(line.indexOf(' ') + 1));
  const baseCommits = logLines.filter((line) => line.startsWith('-')).map((line) => line.slice(1).split(' ')[0]!);
  const evidence = {
    branchName: head === null || head === '(detached)' ? null : head,
    headSha: oid === null || oid === '(initial)' ? null : oid,
    commitCount: commitSubjects.length,
    filesChanged: commitSubjects.length > 0 ? nonEmptyLines(changed ?? '').length : 0,
    latestCommitMessage: commitSubjects[0] ?? null,
    uncommittedFiles: statusLines.filter((line) => !line.startsWith('#')).length,
  };
  return { evidence, commitSubjects, baseCommits };
}

function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim().length > 0);
}
