import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { AppConfig } from '../../src/config.js';
import { AuthenticationRequiredError, ForbiddenRequestError, MisdirectedRequestError } from '../core/api-errors.js';
import { APP_CONFIG } from '../core/api-tokens.js';
import type { ApiAuth } from './api-token.js';
import { API_AUTH } from './auth-tokens.js';
import { HostAllowList } from './host-allow-list.js';
import { type RequestCaller, setRequestCaller } from './request-caller.js';
import { isValidSessionValue, readCookie, sameSecret, sessionCookieName } from './session-cookie.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes a caller without the token can always reach: the probe, and what the sign-in form needs. */
const publicApiPaths = new Set(['/api/auth/session']);

/**
 * Runs before every route: the Host check (DNS rebinding), the Origin check on writes (CSRF), CORS for the origins in
 * AWO_CORS_ORIGINS, and who the caller is (token, session, or anonymous). Anonymous callers reach the API only when it
 * binds to loopback; the web UI's files and /health stay public either way.
 */
@Injectable()
export class RequestGuardMiddleware implements NestMiddleware {
  private readonly hosts: HostAllowList;
  private readonly corsOrigins: ReadonlySet<string>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(API_AUTH) private readonly auth: ApiAuth,
  ) {
    this.hosts = new HostAllowList(config);
    this.corsOrigins = new Set(config.AWO_CORS_ORIGINS);
  }

  use(request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void {
    const host = request.headers.host;
    if (!this.hosts.allows(host)) {
      throw new MisdirectedRequestError(`Host: "${String(host ?? '').slice(0, 100)}" is not a name this service answers to; add it to AWO_ALLOWED_HOSTS if it is`);
    }
    const origin = request.headers.origin;
    const method = (request.method ?? 'GET').toUpperCase();
    const sameOrigin = origin !== undefined && originHost(origin) === host!.toLowerCase();
    const corsAllowed = origin !== undefined && this.corsOrigins.has(origin);
    if (origin !== undefined && !sameOrigin) {
      if (corsAllowed) {
        response.setHeader('access-control-allow-origin', origin);
        response.setHeader('access-control-expose-headers', 'retry-after, www-authenticate');
      }
      response.setHeader('vary', 'Origin');
      if (!safeMethods.has(method) && !corsAllowed) {
        throw new ForbiddenRequestError(`Origin: ${origin.slice(0, 100)} may not send ${method} requests to this service; add it to AWO_CORS_ORIGINS to allow it`);
      }
      if (method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
        if (!corsAllowed) throw new ForbiddenRequestError(`Origin: ${origin.slice(0, 100)} is not in AWO_CORS_ORIGINS`);
        response.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
          'access-control-allow-headers': 'authorization, content-type',
          'access-control-max-age': '600',
        });
        response.end();
        return;
      }
    }

    const caller = this.identify(request);
    setRequestCaller(request, caller);
    // Express strips a middleware's mount path from `url`; `originalUrl` is the path the client asked for.
    const path = ((request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? '/').split('?')[0]!;
    if (this.auth.required && caller.kind === 'anonymous' && needsToken(path)) {
      throw new AuthenticationRequiredError('this route needs the API token: send Authorization: Bearer <token>, or sign in with POST /api/auth/session');
    }
    next();
  }

  /** A wrong bearer token is refused outright, even on loopback: a client that sends one means to be the token holder. */
  private identify(request: IncomingMessage): RequestCaller {
    const remote_address = request.socket.remoteAddress ?? null;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!bearer || !sameSecret(bearer[1]!, this.auth.token)) throw new AuthenticationRequiredError('Authorization: the API token is wrong or not in the form "Bearer <token>"');
      return { kind: 'token', remote_address };
    }
    const session = readCookie(request.headers.cookie, sessionCookieName);
    if (session && isValidSessionValue(this.auth.token, session)) return { kind: 'session', remote_address };
    return { kind: 'anonymous', remote_address };
  }
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The API and its document; the web UI's files, /health and the sign-in routes are public. */
function needsToken(path: string): boolean {
  if (publicApiPaths.has(path)) return false;
  return path.startsWith('/api/') || path === '/api' || path.startsWith('/docs');
}
