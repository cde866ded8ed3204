import type { RemoteHeads } from './default-branch.js';

/**
 * What a sandbox takes from the mirror: a worktree only the default branch's tip (it starts detached there and counts
 * its commits from `origin/<default>`), a clone every branch (it carries them all as its remote branches).
 */
export type SyncScope = 'base' | 'all';

const remoteTrackingPrefix = 'refs/remotes/origin/';

/**
 * Compares the remote as `ls-remote` just saw it with the mirror's remote-tracking refs (`<sha> <ref>` lines): where
 * they already agree, a fetch would bring nothing the sandbox uses. `all` is true when every branch agrees (and the
 * mirror has none the remote lost), `base` when the default branch does.
 */
export function mirrorAgreesWith(remote: RemoteHeads, mirrorRefs: string): { base: boolean; all: boolean } {
  const mirror = new Map<string, string>();
  for (const line of mirrorRefs.split('\n')) {
    const [sha, ref] = line.split(' ');
    if (sha && ref?.startsWith(remoteTrackingPrefix)) mirror.set(ref.slice(remoteTrackingPrefix.length), sha);
  }
  const baseTip = remote.heads.get(remote.baseBranch);
  const base = baseTip !== undefined && mirror.get(remote.baseBranch) === baseTip;
  const all = base && mirror.size === remote.heads.size && [...remote.heads].every(([branch, tip]) => mirror.get(branch) === tip);
  return { base, all };
}

export function isCurrentFor(scope: SyncScope, agreement: { base: boolean; all: boolean }): boolean {
  return scope === 'base' ? agreement.base : agreement.all;
}
