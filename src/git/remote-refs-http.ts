import http from 'node:http';
import https from 'node:https';
import type { RemoteAccess } from './git-auth.js';
import { forgeRequest, requestFailure } from './forge-http.js';
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

const defaultMaxBytes = 32 * 1024 * 1024;

/**
 * One GET of `<url>/info/refs?service=git-upload-pack`, what `git ls-remote` asks over protocol v0, from this process:
 * no git process, and a kept-alive connection. It stands in for git only where it sends exactly what git would: the
 * token as git's Authorization header and only to URLs under the scope git sends it to (never in the URL, a log line or
 * an error), no redirect followed, the same CA file when git has one (GIT_SSL_CAINFO), and no git config of `http.*`
 * or `url.*` anywhere (proxies, CAs, headers, URL rewrites: git's business). Every other answer (not 200, a redirect,
 * not an advertisement, too large, a timeout, a network error) is declined, never thrown: git asks again and reports.
 */
export async function readRefsOverHttp(url: string, access: RemoteAccess, options: HttpRefsOptions): Promise<HttpRefsAnswer> {
  const request = await forgeRequest(url, '/info/refs?service=git-upload-pack', access, options.env ?? process.env);
  if ('declined' in request) return request;
  try {
    const body = await get(request.target, { ...request.headers, Accept: '*/*' }, request.agent, options.timeoutMs, options.maxBytes ?? defaultMaxBytes);
    if ('declined' in body) return body;
    return { advertisement: parseUploadPackAdvertisement(body.bytes) };
  } catch (error) {
    if (error instanceof AdvertisementParseError) return { declined: `not a ref advertisement: ${error.message}` };
    return { declined: requestFailure(error) };
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

