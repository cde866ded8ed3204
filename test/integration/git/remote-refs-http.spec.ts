import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { execa } from 'execa';
import { gitAuthEnv } from '../../../src/git/git-auth.js';
import { remoteRefusal } from '../../../src/git/remote-failure.js';
import { readRefsOverHttp } from '../../../src/git/remote-refs-http.js';
import { createLogger } from '../../../src/logger.js';
import { readRemoteHeads } from '../../../src/sandbox/default-branch.js';
import { SandboxManager } from '../../../src/sandbox/sandbox-manager.js';
import { startTestForge, type TestForge } from '../../fixtures/test-forge.js';

const token = 'ghp_refsOverHttpToken0123456789abcdefXY';
const timeoutMs = 10_000;
const identity = { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com' };

/**
 * The remote's refs asked by the worker itself with one GET of `info/refs` (protocol v0), against the real
 * `git http-backend` of the test forge: the same answer as `git ls-remote`, the token only where git would send it, and
 * git asked instead wherever the GET is not answered as git would read it.
 */
describe("the remote's refs over smart HTTP", () => {
  let forge: TestForge;
  let scratch: string;
  let cwd: string;
  let next = 0;
  // Not execFileSync: the forge answers from this very process.
  const lsRemote = async (url: string) => (await execa('git', ['-c', 'protocol.version=0', 'ls-remote', '--symref', url], { cwd, env: { GIT_TERMINAL_PROMPT: '0' } })).stdout;
  const repository = (options: { private?: boolean; defaultBranch?: string } = {}) => forge.createRepository({ owner: 'acme', name: `refs-${next++}`, ...options });

  beforeAll(async () => {
    forge = await startTestForge({ token });
    scratch = await mkdtemp(path.join(os.tmpdir(), 'awo-refs-http-'));
    cwd = path.join(scratch, 'asker.git');
    execFileSync('git', ['init', '--quiet', '--bare', cwd]);
  });
  afterAll(async () => {
    await forge.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('advertises every ref git ls-remote lists, and the same default branch and branch tips', async () => {
    const repo = await repository({ defaultBranch: 'trunk' });
    await forge.commitToBranch('acme', repo.name, { branch: 'feature/one', files: { 'one.txt': '1\n' } });
    await forge.commitToBranch('acme', repo.name, { branch: 'deep/nested/name', files: { 'deep.txt': 'd\n' } });
    await forge.commitToBranch('acme', repo.name, { branch: 'trunk', files: { 'trunk.txt': 't\n' } });
    execFileSync('git', ['tag', 'v1', 'trunk'], { cwd: repo.bareDir });
    execFileSync('git', ['tag', '-a', 'v2', '-m', 'annotated', 'feature/one'], { cwd: repo.bareDir, env: { ...process.env, ...identity } });

    const answer = await readRefsOverHttp(repo.cloneUrl, {}, { timeoutMs });
    if (!('advertisement' in answer)) throw new Error(`declined: ${answer.declined}`);
    // Every line of `git ls-remote --symref <url>` (HEAD's target, HEAD, branches, tags, peeled tags), in its order.
    const listed = [
      ...[...answer.advertisement.symrefs].map(([from, to]) => `ref: ${to}\t${from}`),
      ...[...answer.advertisement.refs].map(([name, id]) => `${id}\t${name}`),
    ];
    expect(listed).toEqual((await lsRemote(repo.cloneUrl)).trim().split('\n'));
    expect(listed).toContain(`ref: refs/heads/trunk\tHEAD`);
    expect(listed.some((line) => line.endsWith('\trefs/tags/v2^{}'))).toBe(true);

    const declined: string[] = [];
    const viaHttp = await readRemoteHeads(cwd, repo.cloneUrl, {}, { url: repo.cloneUrl, access: {}, onDeclined: (reason) => declined.push(reason) });
    const viaGit = await readRemoteHeads(cwd, repo.cloneUrl, gitAuthEnv(undefined));
    expect(declined).toEqual([]);
    expect(viaHttp).toEqual(viaGit);
    expect(viaHttp.baseBranch).toBe('trunk');
    expect([...viaHttp.heads.keys()].sort()).toEqual(['deep/nested/name', 'feature/one', 'trunk']);
  });

  it('needs the token for a private repository, and sends it only under the server it is scoped to', async () => {
    const repo = await repository({ private: true });
    const withToken = gitAuthEnv(token, { scopeUrl: forge.url });

    expect(await readRefsOverHttp(repo.cloneUrl, {}, { timeoutMs })).toEqual({ declined: 'HTTP 401' });
    expect(await readRefsOverHttp(repo.cloneUrl, { token: 'ghp_notTheForgesToken000000000000000001', scopeUrl: forge.url }, { timeoutMs })).toEqual({ declined: 'HTTP 401' });
    // A token scoped to another server is not sent here, exactly as git would not send its header.
    expect(await readRefsOverHttp(repo.cloneUrl, { token, scopeUrl: 'http://127.0.0.1:1' }, { timeoutMs })).toEqual({ declined: 'HTTP 401' });

    const declined: string[] = [];
    const viaHttp = await readRemoteHeads(cwd, repo.cloneUrl, withToken, { url: repo.cloneUrl, access: { token, scopeUrl: forge.url }, onDeclined: (reason) => declined.push(reason) });
    expect(declined).toEqual([]);
    expect(viaHttp).toEqual(await readRemoteHeads(cwd, repo.cloneUrl, withToken));
    expect(viaHttp.heads.get('main')).toBe(await forge.branchSha('acme', repo.name, 'main'));

    // Without the token the GET is declined and git, asked instead, reports the refusal as it always did.
    const refused = await readRemoteHeads(cwd, repo.cloneUrl, gitAuthEnv(undefined), { url: repo.cloneUrl, access: {}, onDeclined: (reason) => declined.push(reason) }).catch((error: unknown) => error);
    expect(declined).toEqual(['HTTP 401']);
    expect(remoteRefusal(refused)).not.toBeNull();
    expect(String(refused)).not.toContain(token);
  });

  it('follows no redirect: the token never reaches the server a redirect names', async () => {
    const repo = await repository({ private: true });
    const seenElsewhere: Array<{ url: string; authorization: string | undefined }> = [];
    const elsewhere = await listen((req, res) => {
      seenElsewhere.push({ url: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(404).end();
    });
    const redirecting = await listen((req, res) => res.writeHead(302, { Location: `${elsewhere.url}${req.url}` }).end());
    try {
      const url = `${redirecting.url}/acme/${repo.name}.git`;
      expect(await readRefsOverHttp(url, { token, scopeUrl: redirecting.url }, { timeoutMs })).toEqual({ declined: 'HTTP 302' });
      expect(seenElsewhere).toEqual([]);
      // git, asked instead, may follow it, without the header scoped to the first server.
      await readRemoteHeads(cwd, url, gitAuthEnv(token, { scopeUrl: redirecting.url }), { url, access: { token, scopeUrl: redirecting.url } }).catch(() => undefined);
      expect(seenElsewhere.length).toBeGreaterThan(0);
      expect(seenElsewhere.every((request) => request.authorization === undefined)).toBe(true);
    } finally {
      await Promise.all([elsewhere.close(), redirecting.close()]);
    }
  });

  it('leaves the asking to git where git would reach the remote otherwise, or the answer is no advertisement', async () => {
    const repo = await repository();
    const ask = (url: string, env: NodeJS.ProcessEnv = {}) => readRefsOverHttp(url, {}, { timeoutMs, env });
    expect(await ask(repo.cloneUrl, { https_proxy: 'http://127.0.0.1:9' })).toEqual({ declined: 'https_proxy is set' });
    expect(await ask(repo.cloneUrl, { GIT_SSL_NO_VERIFY: '1' })).toEqual({ declined: 'GIT_SSL_NO_VERIFY is set' });
    expect(await ask(repo.cloneUrl, { NODE_TLS_REJECT_UNAUTHORIZED: '0' })).toEqual({ declined: 'NODE_TLS_REJECT_UNAUTHORIZED=0' });
    expect(await ask(`file://${repo.bareDir}`)).toEqual({ declined: 'file: remote' });
    expect(await ask(`${forge.url}/acme/missing.git`)).toEqual({ declined: 'HTTP 404' });
    expect(await ask(`${forge.url}/api/v3/repos/acme/${repo.name}`)).toEqual({ declined: 'HTTP 404' });
    const html = await listen((_req, res) => res.writeHead(200, { 'Content-Type': 'application/x-git-upload-pack-advertisement' }).end('<html>Sign in</html>'));
    try {
      expect(await ask(`${html.url}/acme/app.git`)).toEqual({ declined: expect.stringMatching(/^not a ref advertisement/) });
    } finally {
      await html.close();
    }
    const closed = await listen(() => undefined);
    await closed.close();
    expect(await ask(`${closed.url}/acme/app.git`)).toEqual({ declined: 'request failed (ECONNREFUSED)' });
  });

  it('a warm worktree of a private repository reads the refs over HTTP with the token, and logs no token', async () => {
    const repo = await repository({ private: true });
    const lines = new PassThrough();
    const logged: string[] = [];
    lines.on('data', (chunk: Buffer) => logged.push(chunk.toString('utf8')));
    const sandboxes = new SandboxManager({
      repositoryDir: path.join(scratch, 'repositories'),
      workOrderDir: path.join(scratch, 'work-orders'),
      logger: createLogger('debug', { format: 'json', destination: lines }),
    });
    const request = (agentWorkOrderId: string) => ({ agentWorkOrderId, sandboxType: 'git_worktree' as const, cloneUrl: repo.cloneUrl, owner: 'acme', name: repo.name, host: 'forge.test' });
    const access = { token, scopeUrl: forge.url };
    await sandboxes.create(request('wo-0000aa01'), access);
    const tip = await forge.commitToBranch('acme', repo.name, { branch: 'main', files: { 'later.txt': 'later\n' } });
    const warm = await sandboxes.create(request('wo-0000aa02'), access);
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: warm.sandboxPath, encoding: 'utf8' }).trim()).toBe(tip);
    expect(logged.join('')).not.toContain('sandbox_http_refs_declined');

    // Without the token the warm setup fails as before: the refusal git reports.
    const failed = await sandboxes.create(request('wo-0000aa03'), {}).catch((error: unknown) => error);
    expect(remoteRefusal(failed)).not.toBeNull();
    expect(logged.join('')).toContain('"reason":"HTTP 401"');
    await sandboxes.settled();
    expect(logged.join('')).not.toContain(token);
    expect(logged.join('')).not.toContain(Buffer.from(`x-access-token:${token}`).toString('base64'));
  });
});

async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
