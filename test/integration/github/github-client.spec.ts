import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { gitAuthEnv } from '../../../src/git/git-auth.js';
import { GitHubClient, GitHubError } from '../../../src/github/github-client.js';
import { parseRepositoryUrl } from '../../../src/github/repository-url.js';
import { type TestForge, startTestForge } from '../../fixtures/test-forge.js';

const token = 'ghp_forgeTestToken0123456789abcdefghijkl';

let forge: TestForge;
let scratch: string;
let client: GitHubClient;

/** git as a user of this machine would run it, minus their global config (credential helpers would hide failures). */
function gitEnv(): Record<string, string> {
  return {
    HOME: scratch,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(scratch, 'gitconfig'),
    GIT_AUTHOR_NAME: 'Agent',
    GIT_AUTHOR_EMAIL: 'agent@example.invalid',
    GIT_COMMITTER_NAME: 'Agent',
    GIT_COMMITTER_EMAIL: 'agent@example.invalid',
  };
}

function git(args: string[], cwd: string, extraEnv: Record<string, string> = {}) {
  return execa('git', args, { cwd, env: { ...gitEnv(), ...extraEnv }, reject: false });
}

async function expectGitHubError(promise: Promise<unknown>): Promise<GitHubError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GitHubError);
  return error as GitHubError;
}

/** A clone of the forge repository with one commit on `branch`, not pushed yet. */
async function cloneWithBranch(cloneUrl: string, branch: string): Promise<string> {
  const workTree = await mkdtemp(path.join(scratch, 'clone-'));
  const clone = await git(['clone', '--quiet', cloneUrl, workTree], scratch, gitAuthEnv(undefined));
  expect(clone.stderr).toBe('');
  expect(clone.exitCode).toBe(0);
  await git(['checkout', '--quiet', '-b', branch], workTree);
  await writeFile(path.join(workTree, 'feature.txt'), `work on ${branch}\n`);
  await git(['add', 'feature.txt'], workTree);
  await git(['commit', '--quiet', '-m', `Add ${branch}`], workTree);
  return workTree;
}

beforeAll(async () => {
  forge = await startTestForge({ token });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'awo-github-client-'));
  await writeFile(path.join(scratch, 'gitconfig'), '');
  client = new GitHubClient({ apiUrl: forge.apiUrl, token });
});

afterAll(async () => {
  await forge?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('GitHubClient against the test forge', () => {
  it('reads a repository with its real default branch', async () => {
    const created = await forge.createRepository({ owner: 'acme', name: 'trunk-based', defaultBranch: 'trunk' });
    const ref = parseRepositoryUrl(created.htmlUrl, forge.url);

    await expect(client.getRepository(ref)).resolves.toEqual({ owner: 'acme', name: 'trunk-based', defaultBranch: 'trunk', private: false });
    expect(await forge.branches('acme', 'trunk-based')).toEqual(['trunk']);
  });

  it('reads an issue, and maps a missing one to a 404 GitHubError', async () => {
    const created = await forge.createRepository({ owner: 'acme', name: 'issues' });
    const ref = parseRepositoryUrl(created.cloneUrl, forge.url);
    forge.addIssue('acme', 'issues', { number: 42, title: 'Add a health check', body: 'GET /health should answer 200' });

    await expect(client.getIssue(ref, 42)).resolves.toEqual({
      number: 42,
      title: 'Add a health check',
      body: 'GET /health should answer 200',
      htmlUrl: `${forge.url}/acme/issues/issues/42`,
    });
    const error = await expectGitHubError(client.getIssue(ref, 43));
    expect(error.status).toBe(404);
    expect(error.message).toBe('GitHub get issue acme/issues#43 failed: 404 Not Found (not found, or not visible with the configured token)');
  });

  it('names the authenticated user, and says when the token is missing or wrong without showing it', async () => {
    await expect(client.getAuthenticatedUser()).resolves.toEqual({ login: forge.login });
    expect(forge.apiRequests().at(-1)).toEqual({ method: 'GET', path: '/user', authorization: 'valid' });

    const anonymous = await expectGitHubError(new GitHubClient({ apiUrl: forge.apiUrl }).getAuthenticatedUser());
    expect(anonymous.status).toBe(401);
    expect(anonymous.message).toMatch(/Requires authentication.*GITHUB_TOKEN is missing, invalid or expired/);

    const wrongToken = 'ghp_wrongwrongwrongwrongwrongwrongwrong';
    const wrong = await expectGitHubError(new GitHubClient({ apiUrl: forge.apiUrl, token: wrongToken }).getAuthenticatedUser());
    expect(wrong.status).toBe(401);
    expect(wrong.message).toMatch(/Bad credentials/);
    expect(`${wrong.message} ${wrong.stack} ${JSON.stringify(wrong)}`).not.toContain(wrongToken);
  });

  it('says GitHub was not reached when nothing answers', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const offline = new GitHubClient({ apiUrl: `http://127.0.0.1:${port}/api/v3`, token });
    const error = await expectGitHubError(offline.getAuthenticatedUser());
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/^GitHub get authenticated user failed: GitHub was not reached: .*ECONNREFUSED/);
  });

  it('gives up on a GitHub that does not answer within the request timeout', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const slow = new GitHubClient({ apiUrl: `http://127.0.0.1:${port}/api/v3`, token, requestTimeoutMs: 200 });
      const error = await expectGitHubError(slow.getAuthenticatedUser());
      expect(error.status).toBeUndefined();
      expect(error.message).toMatch(/GitHub was not reached: .*timeout/i);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('verifies an existing and a missing repository', async () => {
    const created = await forge.createRepository({ owner: 'acme', name: 'verified', defaultBranch: 'develop' });

    await expect(client.verifyRepository(parseRepositoryUrl(created.htmlUrl, forge.url))).resolves.toEqual({
      is_accessible: true,
      repository_name: 'verified',
      repository_owner: 'acme',
      default_branch: 'develop',
      error_message: null,
    });
    const missing = await client.verifyRepository(parseRepositoryUrl(`${forge.url}/acme/does-not-exist`, forge.url));
    expect(missing).toEqual({
      is_accessible: false,
      repository_name: null,
      repository_owner: null,
      default_branch: null,
      error_message: expect.stringMatching(/acme\/does-not-exist failed: 404 Not Found \(not found, or not visible/),
    });
  });
});

describe('pushing with gitAuthEnv and opening the pull request', () => {
  it('builds the environment that carries the token as a one-command Basic header', () => {
    expect(gitAuthEnv(undefined)).toEqual({ GIT_TERMINAL_PROMPT: '0' });
    expect(gitAuthEnv('')).toEqual({ GIT_TERMINAL_PROMPT: '0' });
    expect(gitAuthEnv('t0k3n', { inheritedEnv: {} })).toEqual({
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('x-access-token:t0k3n').toString('base64')}`,
    });
    expect(gitAuthEnv('t0k3n', { scopeUrl: 'https://ghes.example.com', inheritedEnv: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.quotePath', GIT_CONFIG_VALUE_0: 'false' } })).toEqual({
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'core.quotePath',
      GIT_CONFIG_VALUE_0: 'false',
      GIT_CONFIG_KEY_1: 'http.https://ghes.example.com/.extraHeader',
      GIT_CONFIG_VALUE_1: expect.stringMatching(/^Authorization: Basic /),
    });
  });

  it('pushes only with the token, and leaves no trace of it in the clone', async () => {
    const created = await forge.createRepository({ owner: 'acme', name: 'pushable' });
    const workTree = await cloneWithBranch(created.cloneUrl, 'feature/push');
    expect(forge.gitRequestCount('acme', 'pushable', 'git-upload-pack')).toBe(1);

    const anonymous = await git(['push', 'origin', 'feature/push'], workTree, gitAuthEnv(undefined));
    expect(anonymous.exitCode).not.toBe(0);
    expect(anonymous.stderr).toMatch(/could not read Username|Authentication failed/);

    const wrong = await git(['push', 'origin', 'feature/push'], workTree, gitAuthEnv('ghp_not-the-token'));
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.stderr).toMatch(/could not read Username|Authentication failed/);
    expect(await forge.branches('acme', 'pushable')).toEqual(['main']);

    const pushed = await git(['push', '--quiet', 'origin', 'feature/push'], workTree, gitAuthEnv(token, { scopeUrl: forge.url }));
    expect(pushed.stderr).toBe('');
    expect(pushed.exitCode).toBe(0);
    expect(await forge.branches('acme', 'pushable')).toEqual(['feature/push', 'main']);
    expect((await forge.branchCommits('acme', 'pushable', 'feature/push', 'main')).map((commit) => commit.subject)).toEqual(['Add feature/push']);
    expect(forge.gitRequestCount('acme', 'pushable', 'git-receive-pack')).toBe(3);

    // The header was for that one command: the clone's config and a later push know nothing of the token.
    const config = await readFile(path.join(workTree, '.git', 'config'), 'utf8');
    expect(config).not.toContain(token);
    expect(config).not.toContain(Buffer.from(`x-access-token:${token}`).toString('base64'));
    expect(config).not.toMatch(/extraHeader|@127\.0\.0\.1/i);
    await writeFile(path.join(workTree, 'feature.txt'), 'more\n');
    await git(['commit', '--quiet', '-am', 'More'], workTree);
    const later = await git(['push', 'origin', 'feature/push'], workTree, gitAuthEnv(undefined));
    expect(later.exitCode).not.toBe(0);
  });

  it('sends a scoped header only to the forge it is scoped to', async () => {
    const created = await forge.createRepository({ owner: 'acme', name: 'scoped' });
    const workTree = await cloneWithBranch(created.cloneUrl, 'feature/scoped');

    const elsewhere = await git(['push', 'origin', 'feature/scoped'], workTree, gitAuthEnv(token, { scopeUrl: 'http://127.0.0.1:1' }));
    expect(elsewhere.exitCode).not.toBe(0);
    const unscoped = await git(['push', '--quiet', 'origin', 'feature/scoped'], workTree, gitAuthEnv(token));
    expect(unscoped.exitCode).toBe(0);
  });

  const requestsSince = (before: number) => forge.apiRequests().slice(before).map(({ method, path: apiPath }) => `${method} ${apiPath}`);

  it('opens one pull request for a pushed branch with one request, and reuses it when asked again', async () => {
    const created = await forge.createRepository({ owner: 'acme', name: 'reviewed', defaultBranch: 'trunk' });
    const workTree = await cloneWithBranch(created.cloneUrl, 'feat/wo-0a1b2c3d');
    expect((await git(['push', '--quiet', 'origin', 'feat/wo-0a1b2c3d'], workTree, gitAuthEnv(token))).exitCode).toBe(0);
    const repository = parseRepositoryUrl(created.htmlUrl, forge.url);
    const request = { repository, headBranch: 'feat/wo-0a1b2c3d', baseBranch: 'trunk', title: 'Add feature', body: 'Work order wo-0a1b2c3d' };

    const beforeFirst = forge.apiRequests().length;
    const first = await client.openOrReusePullRequest(request);
    expect(first).toEqual({ number: 1, htmlUrl: `${forge.url}/acme/reviewed/pull/1`, headBranch: 'feat/wo-0a1b2c3d', baseBranch: 'trunk', created: true });
    // A new pull request, the usual case, costs the create alone.
    expect(requestsSince(beforeFirst)).toEqual(['POST /repos/acme/reviewed/pulls']);

    // A retry (or a second worker): GitHub refuses a second open pull request for the branch, and that one is returned.
    const beforeSecond = forge.apiRequests().length;
    const second = await client.openOrReusePullRequest(request);
    expect(second).toEqual({ ...first, created: false });
    expect(requestsSince(beforeSecond)).toEqual(['POST /repos/acme/reviewed/pulls', 'GET /repos/acme/reviewed/pulls']);

    expect(forge.pullRequests('acme', 'reviewed')).toEqual([
      expect.objectContaining({ number: 1, state: 'open', title: 'Add feature', body: 'Work order wo-0a1b2c3d', headBranch: 'feat/wo-0a1b2c3d', baseBranch: 'trunk' }),
    ]);
  });

  it('fails with the 422 "already exists" when the list does not show the open pull request, opening none', async () => {
    const created = await forge.createRepository({ owner: 'acme', name: 'raced' });
    await forge.commitToBranch('acme', 'raced', { branch: 'feat/race', files: { 'race.txt': 'first\n' } });
    const repository = parseRepositoryUrl(created.htmlUrl, forge.url);
    const request = { repository, headBranch: 'feat/race', baseBranch: 'main', title: 'Race', body: '' };
    await client.openOrReusePullRequest(request);

    forge.hidePullRequestsFromNextList('acme', 'raced');
    const failure = await expectGitHubError(client.openOrReusePullRequest(request));

    expect(failure.status).toBe(422);
    expect(failure.message).toMatch(/already exists/);
    expect(forge.pullRequests('acme', 'raced')).toHaveLength(1);
  });

  it("maps GitHub's other 422 answers to a GitHubError with GitHub's reason", async () => {
    const created = await forge.createRepository({ owner: 'acme', name: 'unchanged' });
    const repository = parseRepositoryUrl(created.htmlUrl, forge.url);

    const noCommits = await expectGitHubError(
      client.openOrReusePullRequest({ repository, headBranch: 'main', baseBranch: 'main', title: 'Nothing', body: '' }),
    );
    expect(noCommits.status).toBe(422);
    expect(noCommits.message).toBe('GitHub open pull request acme/unchanged main -> main failed: 422 Validation Failed: No commits between main and main');

    const missingHead = await expectGitHubError(
      client.openOrReusePullRequest({ repository, headBranch: 'feat/not-pushed', baseBranch: 'main', title: 'Missing', body: '' }),
    );
    expect(missingHead.status).toBe(422);
    expect(missingHead.message).toMatch(/422 Validation Failed: head invalid$/);
    expect(forge.pullRequests('acme', 'unchanged')).toEqual([]);
  });
});
