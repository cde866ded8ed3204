import { defaultGitTimeoutMs, git } from '../git/git-runner.js';
import type { RemoteAccess } from '../git/git-auth.js';
import { readRefsOverHttp } from '../git/remote-refs-http.js';
import type { UploadPackAdvertisement } from '../git/upload-pack-advertisement.js';

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

/** The same remote as `remote` names it, asked over HTTP by this process (see readRefsOverHttp). */
export interface HttpRemote {
  url: string;
  access: RemoteAccess;
  /** Told why git was asked instead, when it was. */
  onDeclined?(reason: string): void;
}

/** A hung forge leaves the rest of git's own timeout to git, which then asks (and reports) as it always did. */
const httpTimeoutMs = 15_000;

/**
 * The default branch and every branch's tip in one round trip. With `http`, from one GET by this process when the
 * remote answers it as git would read it; otherwise, and whenever that GET is declined, from `git ls-remote`.
 */
export async function readRemoteHeads(cwd: string, remote: string, env: Record<string, string>, http?: HttpRemote): Promise<RemoteHeads> {
  const startedAt = performance.now();
  if (http) {
    const answer = await readRefsOverHttp(http.url, http.access, { timeoutMs: httpTimeoutMs });
    const heads = 'advertisement' in answer ? headsFrom(answer.advertisement) : null;
    if (heads) return heads;
    http.onDeclined?.('declined' in answer ? answer.declined : 'no symbolic HEAD to a branch');
  }
  const timeoutMs = Math.max(1, Math.round(defaultGitTimeoutMs - (performance.now() - startedAt)));
  const output = await lsRemote(cwd, remote, env, ['HEAD', 'refs/heads/*'], timeoutMs);
  const heads = new Map<string, string>();
  for (const match of output.matchAll(/^([0-9a-f]{40}(?:[0-9a-f]{24})?)\trefs\/heads\/(\S+)$/gm)) heads.set(match[2]!, match[1]!);
  return { baseBranch: defaultBranchIn(output, remote), heads };
}

/**
 * What `ls-remote --symref <url> HEAD 'refs/heads/*'` prints, read from the advertisement: HEAD's target (only when
 * HEAD itself is advertised, as ls-remote prints it) and the branches. Null where git's answer could differ: git then
 * says what is wrong.
 */
function headsFrom(advertisement: UploadPackAdvertisement): RemoteHeads | null {
  const target = advertisement.symrefs.get('HEAD');
  if (!advertisement.refs.has('HEAD') || !target?.startsWith('refs/heads/') || /\s/.test(target)) return null;
  const heads = new Map<string, string>();
  for (const [name, id] of advertisement.refs) {
    if (name.startsWith('refs/heads/') && !name.endsWith('^{}')) heads.set(name.slice('refs/heads/'.length), id);
  }
  return { baseBranch: target.slice('refs/heads/'.length), heads };
}

/**
 * `ls-remote` with HEAD's target. Over protocol v0 it is one HTTP request (the ref advertisement, HEAD's target among
 * its capabilities); v2 adds a second one for the listing. The listing is the same: git 2.39 sends v2 no ref prefix
 * for ls-remote's patterns, so the remote lists all its refs either way and the branches cost nothing more to ask for.
 */
function lsRemote(cwd: string, remote: string, env: Record<string, string>, patterns: string[], timeoutMs?: number): Promise<string> {
  return git(['-c', 'protocol.version=0', 'ls-remote', '--symref', remote, ...patterns], { cwd, env, ...(timeoutMs ? { timeoutMs } : {}) });
}

function defaultBranchIn(output: string, remote: string): string {
  const match = /^ref:\s+refs\/heads\/(\S+)\s+HEAD$/m.exec(output);
  if (!match) throw new Error(`could not detect the default branch of ${remote}: the remote did not report a symbolic HEAD`);
  return match[1]!;
}
