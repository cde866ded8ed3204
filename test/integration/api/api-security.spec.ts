import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { claudeCliPath, testToken } from '../../utils/work-order-harness.js';
import { createApiTestApp, type ApiTestApp } from '../../utils/api-app.js';

const prefix = '/api/agent-work-orders';
const settingsPath = `${prefix}/settings`;

/** Two apps on real HTTP: one bound to loopback (token optional), one "bound beyond loopback" (token required). */
let home: string;
let loopback: ApiTestApp;
let exposed: ApiTestApp;
const exposedToken = 'exposed-token-0123456789abcdef';

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'awo-api-security-'));
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', GITHUB_API_URL: 'http://127.0.0.1:9/api/v3' };
  loopback = await createApiTestApp({ ...base, AWO_HOME: path.join(home, 'loopback'), AWO_CORS_ORIGINS: 'https://archon.example.com' });
  exposed = await createApiTestApp({
    ...base,
    AWO_HOME: path.join(home, 'exposed'),
    AWO_HOST: '0.0.0.0',
    AWO_API_TOKEN: exposedToken,
    AWO_ALLOWED_HOSTS: 'awo.example.com',
  });
});

afterAll(async () => {
  await loopback?.close();
  await exposed?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('Host check (DNS rebinding)', () => {
  it('answers 421 to a Host that is not the service’s own, on every route, /health included', async () => {
    for (const route of ['/health', `${prefix}/`, settingsPath, '/docs-json']) {
      const response = await loopback.http().get(route).set('host', 'evil.example:8888').expect(421);
      expect(response.body).toEqual({ status_code: 421, detail: expect.stringMatching(/AWO_ALLOWED_HOSTS/) });
    }
    await loopback.http().post(`${prefix}/maintenance/retention`).set('host', 'rebound.attacker.test').expect(421);
  });

  it('answers loopback names and the allowed hosts', async () => {
    for (const host of ['localhost:8888', '127.0.0.1:8888', '[::1]:8888', 'app.localhost']) await loopback.http().get(settingsPath).set('host', host).expect(200);
    await exposed.http().get('/health').set('host', 'awo.example.com').expect((response) => expect([200, 503]).toContain(response.status));
    await exposed.http().get('/health').set('host', 'awo.example.com.evil.test').expect(421);
  });
});

describe('Origin check (CSRF)', () => {
  it('refuses a state-changing request from a foreign origin with 403, nothing started', async () => {
    const retention = await loopback.http().post(`${prefix}/maintenance/retention`).set('origin', 'http://evil.example').expect(403);
    expect(retention.body).toEqual({ status_code: 403, detail: expect.stringMatching(/AWO_CORS_ORIGINS/) });
    await loopback.http().post(`${prefix}/wo-1a2b3c4d/cancel`).set('origin', 'null').expect(403);
    await loopback
      .http()
      .post(`${prefix}/`)
      .set('origin', 'http://127.0.0.1.evil.example')
      .send({ repository_url: 'https://github.com/o/r', user_request: 'x' })
      .expect(403);
    await loopback.http().put(settingsPath).set('origin', 'http://evil.example').send({ max_concurrent: 2 }).expect(403);
    const after = await loopback.http().get(settingsPath).expect(200);
    expect(after.body.max_concurrent).toMatchObject({ stored: false });
  });

  it('lets the same origin and AWO_CORS_ORIGINS write, and answers CORS only to the listed origins', async () => {
    await loopback.http().put(settingsPath).set('host', 'localhost:8888').set('origin', 'http://localhost:8888').send({ retention_days: 9 }).expect(200);
    // Same name, another port: another origin.
    await loopback.http().put(settingsPath).set('host', 'localhost:8888').set('origin', 'http://localhost:3000').send({ retention_days: 9 }).expect(403);

    const cross = await loopback.http().put(settingsPath).set('origin', 'https://archon.example.com').send({ retention_days: 10 }).expect(200);
    expect(cross.headers['access-control-allow-origin']).toBe('https://archon.example.com');
    const preflight = await loopback
      .http()
      .options(`${prefix}/`)
      .set('origin', 'https://archon.example.com')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type, authorization')
      .expect(204);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/authorization/);

    const foreignRead = await loopback.http().get(settingsPath).set('origin', 'http://evil.example').expect(200);
    expect(foreignRead.headers['access-control-allow-origin']).toBeUndefined();
    await loopback.http().options(`${prefix}/`).set('origin', 'http://evil.example').set('access-control-request-method', 'POST').expect(403);
  });
});

describe('API token', () => {
  it('generates a 0600 token file on loopback and keeps the API open there, except for program and credential settings', async () => {
    const file = path.join(loopback.config.configDir, 'api-token');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await loopback.http().get(`${prefix}/`).expect(200);
    const session = await loopback.http().get('/api/auth/session').expect(200);
    expect(session.body).toEqual({ auth_required: false, authenticated: false });

    const cli = await loopback.http().put(settingsPath).send({ claude_cli_path: claudeCliPath }).expect(401);
    expect(cli.body).toEqual({ status_code: 401, detail: expect.stringMatching(/claude_cli_path.*API token/) });
    const credential = await loopback.http().put(settingsPath).send({ github_token: testToken }).expect(401);
    expect(credential.body.detail).toMatch(/github_token/);
    await loopback.http().put(settingsPath).send({ github_token: null }).expect(401);
    await loopback.http().put(settingsPath).set('authorization', 'Bearer wrong-token-0000000000').send({ claude_cli_path: claudeCliPath }).expect(401);

    const view = await loopback.http().get(settingsPath).expect(200);
    expect(view.body.claude_cli_path).toMatchObject({ stored: false });
    expect(view.body.github_token).toMatchObject({ stored: false });
    await loopback.http().put(settingsPath).set('authorization', `Bearer ${loopback.token}`).send({ claude_cli_path: claudeCliPath, github_token: testToken }).expect(200);
  });

  it('requires the token beyond loopback on every route but /health, the web UI files and the session probe', async () => {
    const host = 'awo.example.com';
    for (const route of [`${prefix}/`, settingsPath, `${prefix}/repositories`, '/docs-json']) {
      const response = await exposed.http().get(route).set('host', host).expect(401);
      expect(response.body).toEqual({ status_code: 401, detail: expect.stringMatching(/API token/) });
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    await exposed.http().post(`${prefix}/maintenance/retention`).set('host', host).expect(401);
    await exposed.http().get(`${prefix}/`).set('host', host).set('authorization', 'Bearer not-the-token-000000').expect(401);
    await exposed.http().get(`${prefix}/`).set('host', host).set('authorization', `Bearer ${exposedToken}`).expect(200);
    await exposed.http().get('/health').set('host', host).expect((response) => expect([200, 503]).toContain(response.status));
    await exposed.http().get('/index.html').set('host', host).expect(404);
    const probe = await exposed.http().get('/api/auth/session').set('host', host).expect(200);
    expect(probe.body).toEqual({ auth_required: true, authenticated: false });
  });

  it('signs a browser in with a HttpOnly SameSite=Strict cookie, and out again', async () => {
    const host = 'awo.example.com';
    await exposed.http().post('/api/auth/session').set('host', host).send({ token: 'not-the-token-000000' }).expect(401);
    await exposed.http().post('/api/auth/session').set('host', host).send({}).expect(422);
    const signIn = await exposed.http().post('/api/auth/session').set('host', host).send({ token: exposedToken }).expect(204);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/^awo_session=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
    expect(setCookie).not.toContain(exposedToken);
    const cookie = setCookie.split(';')[0]!;

    const session = await exposed.http().get('/api/auth/session').set('host', host).set('cookie', cookie).expect(200);
    expect(session.body).toEqual({ auth_required: true, authenticated: true });
    await exposed.http().get(`${prefix}/`).set('host', host).set('cookie', cookie).expect(200);
    // The cookie does not make a cross-site write possible: the Origin check still refuses it.
    await exposed.http().post(`${prefix}/maintenance/retention`).set('host', host).set('cookie', cookie).set('origin', 'http://evil.example').expect(403);
    // A forged cookie is no session.
    await exposed.http().get(`${prefix}/`).set('host', host).set('cookie', `${cookie.slice(0, -3)}abc`).expect(401);

    const signOut = await exposed.http().delete('/api/auth/session').set('host', host).set('cookie', cookie).expect(204);
    expect(String(signOut.headers['set-cookie'])).toMatch(/^awo_session=; .*Max-Age=0/);
  });
});

describe('settings audit log', () => {
  it('records who changed which setting, never the value', async () => {
    const auditApp = loopback;
    await auditApp.http().put(settingsPath).send({ max_concurrent: 4 }).expect(200);
    await auditApp.http().put(settingsPath).set('authorization', `Bearer ${auditApp.token}`).send({ github_token: null, agent_timeout_seconds: 600 }).expect(200);
    const audit = await auditApp.http().get(`${settingsPath}/audit`).expect(200);
    expect(audit.body.entries.slice(0, 3)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'token', field: 'github_token', action: 'cleared', remote_address: expect.stringMatching(/127\.0\.0\.1|::1/) }),
        expect.objectContaining({ actor: 'token', field: 'agent_timeout_seconds', action: 'set' }),
      ]),
    );
    expect(audit.body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ actor: 'anonymous', field: 'max_concurrent', action: 'set' })]));
    expect(audit.body.total).toBeGreaterThanOrEqual(5);
    expect(audit.text).not.toContain(testToken);
    await auditApp.http().get(`${settingsPath}/audit?limit=0`).expect(422);
  });
});
