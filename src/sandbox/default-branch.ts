import { git } from '../git/git-runner.js';

/** Asks the remote which branch HEAD points at: the default branch is never assumed to be `main`. */
export async function detectRemoteDefaultBranch(cwd: string, remote: string, env: Record<string, string>): Promise<string> {
  const output = await git(['ls-remote', '--symref', remote, 'HEAD'], { cwd, env });
  const match = /^ref:\s+refs\/heads\/(\S+)\s+HEAD$/m.exec(output);
  if (!match) throw new Error(`could not detect the default branch of ${remote}: the remote did not report a symbolic HEAD`);
  return match[1]!;
}
