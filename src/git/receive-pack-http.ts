import http from 'node:http';
import https from 'node:https';
import type { RemoteAccess } from './git-auth.js';
import { gitBytes } from './git-runner.js';
import { forgeRequest, requestFailure } from './forge-http.js';
import { AdvertisementParseError, pktLines } from './upload-pack-advertisement.js';

export interface HttpRefUpdate {
  /** `refs/heads/<branch>`. */
  ref: string;
  /** The commit the ref gets. */
  tip: string;
  /** The commit the ref must have now (an earlier push of ours), or null: the ref must not exist yet. */
  old: string | null;
  /** Commits the remote has for certain (where the pushed commits branch off): the pack leaves out what they reach. */
  remoteHas: readonly string[];
}

export interface HttpPushOptions {
  /** A bare repository of the worker's that reaches the pushed objects (through alternates). */
  scratchPath: string;
  timeoutMs: number;
  /** Larger packs are left to git (it streams them; this sends one buffer). */
  maxPackBytes?: number;
  env?: NodeJS.ProcessEnv;
}

export type HttpPushAnswer = { pushed: true } | { declined: string };

const sha1 = /^[0-9a-f]{40}$/;
const zeroId = '0'.repeat(40);
const defaultMaxPackBytes = 1024 * 1024;
const maxReportBytes = 64 * 1024;

/**
 * One POST of `<url>/git-receive-pack` from this process, what `git push` sends over protocol v0 after its GET of the
 * refs: the command `<old> <new> <ref>` with report-status, then a thin pack of the commits since `remoteHas`. The GET
 * is left out: the old value is known (none, or our earlier push), and receive-pack refuses the update atomically when
 * the ref holds anything else. One git process (pack-objects) instead of five, on a kept-alive connection. Sent only
 * where git would send the same (forgeRequest); anything but `unpack ok` and `ok <ref>` is declined, never thrown, and
 * `git push` then makes the push and reports: the ref is unchanged unless the server said ok.
 */
export async function pushRefOverHttp(url: string, access: RemoteAccess, update: HttpRefUpdate, options: HttpPushOptions): Promise<HttpPushAnswer> {
  if (![update.tip, update.old ?? zeroId, ...update.remoteHas].every((id) => sha1.test(id))) return { declined: 'not SHA-1 object ids' };
  if (update.remoteHas.length === 0) return { declined: 'nothing the remote is known to have' };
  const request = await forgeRequest(url, '/git-receive-pack', access, options.env ?? process.env);
  if ('declined' in request) return request;
  const maxPackBytes = options.maxPackBytes ?? defaultMaxPackBytes;
  const revisions = [update.tip, ...update.remoteHas.map((id) => `^${id}`)].join('\n');
  const pack = await gitBytes(['pack-objects', '--revs', '--stdout', '--thin', '-q'], { cwd: options.scratchPath, input: `${revisions}\n`, timeoutMs: options.timeoutMs }).catch(() => null);
  if (!pack) return { declined: 'pack-objects failed' };
  if (pack.length > maxPackBytes) return { declined: `pack larger than ${maxPackBytes} bytes` };
  const body = Buffer.concat([pktLine(`${update.old ?? zeroId} ${update.tip} ${update.ref}\0report-status agent=git/agent-work-orders\n`), Buffer.from('0000'), pack]);
  try {
    const answer = await post(request.target, { ...request.headers, 'Content-Type': 'application/x-git-receive-pack-request', Accept: 'application/x-git-receive-pack-result' }, request.agent, body, options.timeoutMs);
    if ('declined' in answer) return answer;
    return readReport(answer.bytes, update.ref);
  } catch (error) {
    return { declined: requestFailure(error) };
  }
}

function pktLine(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0'), 'latin1'), payload]);
}

/** report-status: `unpack ok`, then `ok <ref>` or `ng <ref> <reason>`, then a flush. */
function readReport(bytes: Buffer, ref: string): HttpPushAnswer {
  let lines: Array<string | null>;
  try {
    lines = pktLines(bytes);
  } catch (error) {
    return { declined: `not a push report: ${error instanceof AdvertisementParseError ? error.message : 'unreadable'}` };
  }
  if (lines[0] !== 'unpack ok') return { declined: `the remote did not unpack: ${(lines[0] ?? 'no report').slice(0, 200)}` };
  const status = lines.find((line) => line !== null && line.split(' ')[1] === ref);
  if (status === `ok ${ref}`) return { pushed: true };
  return { declined: status ? `the remote refused: ${status.slice(0, 200)}` : 'no status for the ref' };
}

function post(target: URL, headers: Record<string, string>, agent: http.Agent, body: Buffer, timeoutMs: number): Promise<{ bytes: Buffer } | { declined: string }> {
  return new Promise((resolve, reject) => {
    const options = { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, agent, signal: AbortSignal.timeout(timeoutMs) };
    const request = (target.protocol === 'https:' ? https : http).request(target, options, (response) => {
      const status = response.statusCode ?? 0;
      const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (status !== 200 || type !== 'application/x-git-receive-pack-result' || (response.headers['content-encoding'] ?? 'identity') !== 'identity') {
        response.resume();
        resolve({ declined: status !== 200 ? `HTTP ${status}` : `content type ${type || 'none'}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // A report names one ref: anything this large is not one.
        if (size > maxReportBytes) {
          request.destroy();
          resolve({ declined: 'report larger than expected' });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ bytes: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
