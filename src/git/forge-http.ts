import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { git, GitCommandError } from './git-runner.js';
import { basicAuthorization, isUnderScope, type RemoteAccess } from './git-auth.js';

/** A request this process may make in git's place, or why git must make it. */
export type ForgeRequest = { target: URL; agent: http.Agent; headers: Record<string, string> } | { declined: string };

// Kept-alive connections: the next work order on the same forge skips the TCP (and TLS) handshake.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const caAgents = new Map<string, https.Agent>();

// Variables that make git (curl) reach the forge differently from a plain connection: a proxy, client certificates,
// no verification. Node would ignore them, so with any of them set git is asked.
const gitOnlyVariables = ['http_proxy', 'https_proxy', 'all_proxy', 'HTTPS_PROXY', 'ALL_PROXY', 'GIT_SSL_NO_VERIFY', 'GIT_SSL_CAPATH', 'GIT_SSL_CERT', 'GIT_SSL_KEY', 'GIT_PROXY_SSL_CERT', 'GIT_PROXY_SSL_KEY', 'GIT_PROXY_SSL_CAINFO', 'GIT_CURL_VERBOSE', 'GIT_TRACE_CURL'];

let gitHttpConfig: Promise<boolean> | undefined;

/**
 * Where a smart-HTTP request of git's (`<url><pathAndQuery>`) may come from this process instead: only where it sends
 * exactly what git would. The token goes as git's Authorization header and only to URLs under the scope git sends it
 * to (never in the URL, a log line or an error); the same CA file when git has one (GIT_SSL_CAINFO); no proxy or TLS
 * variable git would honour and Node would not; no git config of `http.*` or `url.*` anywhere (proxies, CAs, headers,
 * URL rewrites: git's business). Callers follow no redirect.
 */
export async function forgeRequest(url: string, pathAndQuery: string, access: RemoteAccess, env: NodeJS.ProcessEnv): Promise<ForgeRequest> {
  let target: URL;
  try {
    target = new URL(`${url.replace(/\/+$/, '')}${pathAndQuery}`);
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
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity', Pragma: 'no-cache', 'User-Agent': 'git/agent-work-orders' };
  if (access.token && isUnderScope(target.href, access.scopeUrl)) headers.Authorization = basicAuthorization(access.token);
  return { target, agent, headers };
}

/** Why a request failed, without its headers: Node's errors name the host, never them; the code alone says enough. */
export function requestFailure(error: unknown): string {
  return `request failed (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
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
