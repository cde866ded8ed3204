import { git } from '../git/git-runner.js';

/** Asks the remote which branch HEAD points at: the default branch is never assumed to be `main`. */
export async function detectRemoteDefaultBranch(cwd: string, remote: string, env: Record<string, string>): Promise<string> {
  return defaultBranchIn(await lsRemote(cwd, remote, env, ['HEAD']), remote);
}

/** The remote's default branch and the tip of each of its branches, as one `ls-remote` saw them. */
export interface RemoteHeads {
  baseBranch: string;
  /** Branch name (without refs/heads/) -> tip commit. */
  heads: Map<string, string>;
}

/** The default branch and every branch's tip in one round trip. */
export async function readRemoteHeads(cwd: string, remote: string, env: Record<string, string>): Promise<RemoteHeads> {
  const output = await lsRemote(cwd, remote, env, ['HEAD', 'refs/heads/*']);
  const heads = new Map<string, string>();
  for (const match of output.matchAll(/^([0-9a-f]{40}(?:[0-9a-f]{24})?)\trefs\/heads\/(\S+)$/gm)) heads.set(match[2]!, match[1]!);
  return { baseBranch: defaultBranchIn(output, remote), heads };
}

/**
 * `ls-remote` with HEAD's target. Over protocol v0 it is one HTTP request (the ref advertisement, HEAD's target among
 * its capabilities); v2 adds a second one for the listing. The listing is the same: git 2.39 sends v2 no ref prefix
 * for ls-remote's patterns, so the remote lists all its refs either way and the branches cost nothing more to ask for.
 */
function lsRemote(cwd: string, remote: string, env: Record<string, string>, patterns: string[]): Promise<string> {
  return git(['-c', 'protocol.version=0', 'ls-remote', '--symref', remote, ...patterns], { cwd, env });
}

function defaultBranchIn(output: string, remote: string): string {
  const match = /^ref:\s+refs\/heads\/(\S+)\s+HEAD$/m.exec(output);
  if (!match) throw new Error(`could not detect the default branch of ${remote}: the remote did not report a symbolic HEAD`);
  return match[1]!;
}
