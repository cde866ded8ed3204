import { execFileSync } from 'node:child_process';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/**
 * What `git clone --no-tags <url>` leaves, asked of a git_branch sandbox: the default branch checked out at the
 * remote's tip and tracking it, exactly the remote's branches as remote-tracking refs, origin/HEAD, the URL, no tags,
 * a clean and complete repository.
 */
export function expectFreshClone(cwd: string, origin: { cloneUrl: string; bareDir: string; baseBranch: string; remoteBranches: string[] }): void {
  const { baseBranch } = origin;
  expect(git(cwd, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(baseBranch);
  expect(git(cwd, 'rev-parse', '--abbrev-ref', `${baseBranch}@{upstream}`)).toBe(`origin/${baseBranch}`);
  expect(git(cwd, 'rev-parse', 'HEAD')).toBe(git(origin.bareDir, 'rev-parse', baseBranch));
  expect(git(cwd, 'for-each-ref', '--format=%(refname)').split('\n').sort()).toEqual(
    [`refs/heads/${baseBranch}`, 'refs/remotes/origin/HEAD', ...origin.remoteBranches.map((branch) => `refs/remotes/origin/${branch}`)].sort(),
  );
  expect(git(cwd, 'symbolic-ref', 'refs/remotes/origin/HEAD')).toBe(`refs/remotes/origin/${baseBranch}`);
  expect(git(cwd, 'remote', 'get-url', 'origin')).toBe(origin.cloneUrl);
  expect(git(cwd, 'config', 'remote.origin.tagOpt')).toBe('--no-tags');
  expect(git(cwd, 'status', '--porcelain')).toBe('');
  expect(git(cwd, 'fsck', '--no-dangling')).toBe('');
}
