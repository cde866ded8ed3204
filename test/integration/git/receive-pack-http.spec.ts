import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { gitAuthEnv } from '../../../src/git/git-auth.js';
import { pushBranch } from '../../../src/git/push-branch.js';
import { pushRefOverHttp } from '../../../src/git/receive-pack-http.js';
import { withScratchRepository } from '../../../src/git/scratch-repository.js';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';

const token = 'ghp_receivePackHttpToken0123456789abcdXY';
const timeoutMs = 10_000;
const identity = { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' };

/**
 * A branch pushed by the worker itself with one POST of `git-receive-pack` (no GET of the refs, one git process for the
 * pack), against the real `git http-backend` of the test forge: the forge gets the commits and the ref; a ref that is
 * not what the push expects, a refused token or anything else unreadable is declined with the forge unchanged, and
 * `pushBranch` then lets `git push` do it.
 */
describe('a branch pushed over smart HTTP without git push', () => {
  let forge: TestForge;
  let scratch: string;
  let next = 0;
  // Not execFileSync: the forge answers from this very process.
  const git = async (cwd: string, ...args: string[]) => (await execa('git', args, { cwd, env: { ...identity, GIT_TERMINAL_PROMPT: '0' } })).stdout;

  /** A repository on the forge and a clone of it with `count` commits on a new branch. */
  async function cloneWithCommits(branch: string, count: number) {
    const repo = await forge.createRepository({ owner: 'acme', name: `push-${next++}` });
    const clone = path.join(scratch, repo.name);
    await git(scratch, 'clone', '--quiet', repo.bareDir, clone);
    const base = await git(clone, 'rev-parse', 'HEAD');
    await git(clone, 'checkout', '--quiet', '-b', branch);
    for (let index = 0; index < count; index += 1) {
      await writeFile(path.join(clone, `file-${index}.txt`), `${index}\n`.repeat(100));
      await git(clone, 'add', '.');
      await git(clone, 'commit', '--quiet', '-m', `commit ${index}`);
    }
    return { repo, clone, base, tip: await git(clone, 'rev-parse', 'HEAD'), objects: path.join(clone, '.git', 'objects') };
  }

  const push = (url: string, objects: string, update: Parameters<typeof pushRefOverHttp>[2], access = { token, scopeUrl: forge.url }) =>
    withScratchRepository([objects], (scratchPath) => pushRefOverHttp(url, access, update, { scratchPath, timeoutMs }));

  beforeAll(async () => {
    forge = await startTestForge({ token });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'awo-receive-pack-'));
  });
  afterAll(async () => {
    await forge.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('creates the branch with its commits in one POST, and moves it past a lease of ours in another', async () => {
    const { repo, clone, base, tip, objects } = await cloneWithCommits('feat/http', 2);

    expect(await push(repo.cloneUrl, objects, { ref: 'refs/heads/feat/http', tip, old: null, remoteHas: [base] })).toEqual({ pushed: true });
    expect(await forge.branchSha('acme', repo.name, 'feat/http')).toBe(tip);
    expect((await forge.branchCommits('acme', repo.name, 'feat/http', 'main')).map((commit) => commit.subject)).toEqual(['commit 1', 'commit 0']);
    expect(forge.pushCount('acme', repo.name)).toBe(1);
    expect(forge.gitRequestCount('acme', repo.name, 'git-receive-pack')).toBe(0);

    // Amended: not a descendant of what was pushed, and replaces it because the push names it as the old value.
    await git(clone, 'commit', '--quiet', '--amend', '-m', 'commit 1, amended');
    const amended = await git(clone, 'rev-parse', 'HEAD');
    expect(await push(repo.cloneUrl, objects, { ref: 'refs/heads/feat/http', tip: amended, old: tip, remoteHas: [base] })).toEqual({ pushed: true });
    expect(await forge.branchSha('acme', repo.name, 'feat/http')).toBe(amended);
  });

  it('declines, leaving the forge as it was, when the branch is not what the push expects', async () => {
    const { repo, base, tip, objects } = await cloneWithCommits('feat/taken', 1);
    const other = await forge.commitToBranch('acme', repo.name, { branch: 'feat/taken', files: { 'other.txt': 'o\n' } });

    const created = await push(repo.cloneUrl, objects, { ref: 'refs/heads/feat/taken', tip, old: null, remoteHas: [base] });
    expect(created).toEqual({ declined: expect.stringMatching(/^the remote refused: ng refs\/heads\/feat\/taken /) });
    const leased = await push(repo.cloneUrl, objects, { ref: 'refs/heads/feat/taken', tip, old: base, remoteHas: [base] });
    expect(leased).toEqual({ declined: expect.stringMatching(/^the remote refused: ng refs\/heads\/feat\/taken /) });
    expect(await forge.branchSha('acme', repo.name, 'feat/taken')).toBe(other);
  });

  it('declines a refused token, a token out of scope and a push with nothing known of the remote, sending no pack for the last', async () => {
    const { repo, base, tip, objects } = await cloneWithCommits('feat/denied', 1);
    const update = { ref: 'refs/heads/feat/denied', tip, old: null, remoteHas: [base] };

    expect(await push(repo.cloneUrl, objects, update, { token: 'ghp_notTheForgesToken000000000000000001', scopeUrl: forge.url })).toEqual({ declined: 'HTTP 401' });
    // The token is for the scope only: elsewhere the forge sees no Authorization header.
    expect(await push(repo.cloneUrl, objects, update, { token, scopeUrl: 'http://127.0.0.1:1' })).toEqual({ declined: 'HTTP 401' });
    expect(await push(repo.cloneUrl, objects, { ...update, remoteHas: [] })).toEqual({ declined: 'nothing the remote is known to have' });
    expect(await push(repo.cloneUrl, objects, { ...update, tip: 'not-a-commit' })).toEqual({ declined: 'not SHA-1 object ids' });
    expect(await forge.branches('acme', repo.name)).toEqual(['main']);
  });

  it('pushBranch lets git push after a decline: an existing branch moved forward without a lease of ours', async () => {
    const { repo, clone, base, tip, objects } = await cloneWithCommits('feat/forward', 1);
    await git(clone, 'push', '--quiet', repo.bareDir, 'feat/forward');
    await writeFile(path.join(clone, 'more.txt'), 'more\n');
    await git(clone, 'add', '.');
    await git(clone, 'commit', '--quiet', '-m', 'more');
    const declined: string[] = [];

    const pushed = await pushBranch({
      sandboxPath: clone,
      branchName: 'feat/forward',
      cloneUrl: repo.cloneUrl,
      authEnv: gitAuthEnv(token, { scopeUrl: forge.url }),
      objectStore: objects,
      remoteHas: [base],
      httpAccess: { token, scopeUrl: forge.url },
      onHttpDeclined: (reason) => declined.push(reason),
    });

    expect(pushed).not.toBe(tip);
    expect(await forge.branchSha('acme', repo.name, 'feat/forward')).toBe(pushed);
    expect(declined).toEqual([expect.stringMatching(/^the remote refused: ng refs\/heads\/feat\/forward /)]);
    // One POST declined, then git's own GET and POST.
    expect(forge.pushCount('acme', repo.name)).toBe(2);
    expect(forge.gitRequestCount('acme', repo.name, 'git-receive-pack')).toBe(1);
  });
});
