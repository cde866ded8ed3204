import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { git, GitCommandError } from './git-runner.js';
import { basicAuthorization, isUnderScope, type RemoteAccess } from './git-auth.js';
import { AdvertisementParseError, parseUploadPackAdvertisement, type UploadPackAdvertisement } from './upload-pack-advertisement.js';

/** The refs as the remote advertised them, or why they were not asked for (or not taken) over HTTP: ask git then. */
export type HttpRefsAnswer = { advertisement: UploadPackAdvertisement } | { declined: string };

export interface HttpRefsOptions {
  /** The whole request, connection included; git's own timeout is the bound of what follows a decline. */
  timeoutMs: number;
  /** Larger advertisements are left to git (a repository with very many refs). */
  maxBytes?: number;
  /** The environment git would run in: its proxy and TLS variables decide whether Node may stand in for it. */
  env?: NodeJS.ProcessEnv;
}

// Kept-alive connections: the next work order on the same forge skips the TCP (and TLS) handshake.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const caAgents = new Map<string, https.Agent>();
const defaultMaxBytes = 32 * 1024 * 1024;

// Variables that make git (curl) reach the forge differently from a plain connection: a proxy, client certificates,
// no verification. Node would ignore them, so with any of them set git is asked.
const gitOnlyVariables = ['http_proxy', 'https_proxy', 'all_proxy', 'HTTPS_PROXY', 'ALL_PROXY', 'GIT_SSL_NO_VERIFY', 'GIT_SSL_CAPATH', 'GIT_SSL_CERT', 'GIT_SSL_KEY', 'GIT_PROXY_SSL_CERT', 'GIT_PROXY_SSL_KEY', 'GIT_PROXY_SSL_CAINFO', 'GIT_CURL_VERBOSE', 'GIT_TRACE_CURL'];

let gitHttpConfig: Promise<boolean> | undefined;

/**
 * One GET of `<url>/info/refs?service=git-upload-pack`, what `git ls-remote` asks over protocol v0, from this process:
 * no git process, and a kept-alive connection. It stands in for git only where it sends exactly what git would: the
 * token as git's Authorization header and only to URLs under the scope git sends it to (never in the URL, a log line or
 * an error), no redirect followed, the same CA file when git has one (GIT_SSL_CAINFO), and no git config of `http.*`
 * or `url.*` anywhere (proxies, CAs, headers, URL rewrites: git's business). Every other answer (not 200, a redirect,
 * not an advertisement, too large, a timeout, a network error) is declined, never thrown: git asks again and reports.
 */
export async function readRefsOverHttp(url: string, access: RemoteAccess, options: HttpRefsOptions): Promise<HttpRefsAnswer> {
  const env = options.env ?? process.env;
  let target: URL;
  try {
    target = new URL(`${url.replace(/\/+$/, '')}/info/refs?service=git-upload-pack`);
  } catch {
    return { declined: 'not a URL' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return { declined: `${target.protocol} remote` };
  if (target.username || target.password) return { declined: 'credentials in the URL' };
  const variable = gitOnlyVariables.find((name) => (env[name] ?? '') !== '');
  if (variable) return { declined: `${variable} is set` };
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') return { declined: 'NODE_TLS_REJECT_UNAUTHORIZED=0' };
  if (await gitHasHttpConfig()) return { declined: 'git has http or url config' };

  let agent: http.Agent;
  try {
    agent = agentFor(target.protocol, env.GIT_SSL_CAINFO);
  } catch {
    return { declined: 'GIT_SSL_CAINFO is not readable' };
  }
  const headers: Record<string, string> = { Accept: '*/*', 'Accept-Encoding': 'identity', Pragma: 'no-cache', 'User-Agent': 'git/agent-work-orders' };
  if (access.token && isUnderScope(target.href, access.scopeUrl)) headers.Authorization = basicAuthorization(access.token);
  try {
    const body = await get(target, headers, agent, options.timeoutMs, options.maxBytes ?? defaultMaxBytes);
    if ('declined' in body) return body;
    return { advertisement: parseUploadPackAdvertisement(body.bytes) };
  } catch (error) {
    if (error instanceof AdvertisementParseError) return { declined: `not a ref advertisement: ${error.message}` };
    // Node's errors name the host, never the headers; the code alone is enough to say why.
    return { declined: `request failed (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

function get(target: URL, headers: Record<string, string>, agent: http.Agent, timeoutMs: number, maxBytes: number): Promise<{ bytes: Buffer } | { declined: string }> {
  return new Promise((resolve, reject) => {
    const request = (target.protocol === 'https:' ? https : http).request(target, { method: 'GET', headers, agent, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      const status = response.statusCode ?? 0;
      const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (status !== 200 || type !== 'application/x-git-upload-pack-advertisement' || (response.headers['content-encoding'] ?? 'identity') !== 'identity') {
        // Drained, so the connection can serve the next request.
        response.resume();
        resolve({ declined: status !== 200 ? `HTTP ${status}` : `content type ${type || 'none'}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          request.destroy();
          resolve({ declined: `advertisement larger than ${maxBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ bytes: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

function agentFor(protocol: 'http:' | 'https:' | string, caFile: string | undefined): http.Agent {
  if (protocol !== 'https:' || !caFile) return agents[protocol as 'http:' | 'https:'];
  // git trusts exactly this file then; so does the request.
  let agent = caAgents.get(caFile);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, ca: readFileSync(caFile) });
    caAgents.set(caFile, agent);
  }
  return agent;
}

/**
 * Whether any git config (system, global, GIT_CONFIG_* of the environment) sets `http.*` or `url.*`: asked once per
 * process, at the first read, as the worker's git would see it.
 */
function gitHasHttpConfig(): Promise<boolean> {
  gitHttpConfig ??= git(['config', '--get-regexp', '^(http|url)\\.'], { cwd: '/' }).then(
    (found) => found.trim() !== '',
    // Exit 1: no such key. Anything else (an unreadable config) leaves the question to git itself.
    (error: unknown) => !(error instanceof GitCommandError && error.exitCode === 1),
  );
  return gitHttpConfig;
}
