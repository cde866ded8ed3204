import type { z } from 'zod';
import type { RepositoryRef } from './github-types.js';

export type RepositoryUrlRule = 'empty' | 'scheme' | 'credentials' | 'query' | 'host' | 'path' | 'dot-segment' | 'owner' | 'name';

/** A repository URL the service will not clone or push to; `rule` says which check refused it. */
export class RepositoryUrlError extends Error {
  constructor(
    readonly rule: RepositoryUrlRule,
    message: string,
  ) {
    super(message);
    this.name = 'RepositoryUrlError';
  }
}

// GitHub logins: letters, digits and hyphens, no leading hyphen, at most 39; Enterprise Managed Users add `_shortcode`.
const ownerPattern = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:_[A-Za-z0-9]+)?$/;
// GitHub repository names: letters, digits, `.`, `-`, `_`, at most 100 (`.github` and `my.repo` are real names).
const namePattern = /^[A-Za-z0-9._-]{1,100}$/;
const schemePattern = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/**
 * Parses a repository URL on the configured server (GITHUB_SERVER_URL) into owner and name.
 *
 * Checks run on the raw text as well as on `URL`, because `URL` silently normalises what we must refuse:
 * it resolves `..` and `%2e%2e`, turns `\` into `/`, drops an empty `?` or `#`, and hides `https://@host`.
 */
export function parseRepositoryUrl(url: string, serverUrl: string): RepositoryRef {
  const server = new URL(serverUrl);
  const raw = url.trim();
  if (raw === '') throw new RepositoryUrlError('empty', 'repository URL must not be empty');

  const allowedSchemes = server.protocol === 'http:' ? ['http', 'https'] : ['https'];
  const expected = `${allowedSchemes.join(' or ')} URL like ${server.protocol}//${server.host}/owner/repo`;
  const scheme = schemePattern.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined || !allowedSchemes.includes(scheme) || !raw.slice(scheme.length + 1).startsWith('//')) {
    throw new RepositoryUrlError('scheme', `repository URL must be an ${expected} (ssh, git@, file: and other schemes are not accepted)`);
  }

  const afterScheme = raw.slice(scheme.length + 3);
  const authorityEnd = afterScheme.search(/[/?#\\]/);
  const authority = authorityEnd === -1 ? afterScheme : afterScheme.slice(0, authorityEnd);
  const rest = authorityEnd === -1 ? '' : afterScheme.slice(authorityEnd);
  // Never echo the URL from here on: it may carry a token.
  if (authority.includes('@')) {
    throw new RepositoryUrlError('credentials', 'repository URL must not contain credentials (user:password@ or token@); the token comes from GITHUB_TOKEN');
  }
  if (rest.includes('?') || rest.includes('#')) {
    throw new RepositoryUrlError('query', 'repository URL must not have a query string or fragment');
  }
  if (/[\s\\]/.test(raw)) {
    throw new RepositoryUrlError('path', `repository URL must not contain spaces or backslashes; expected an ${expected}`);
  }

  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new RepositoryUrlError('host', `repository URL is not a valid URL; expected an ${expected}`);
  }
  if (parsed.host !== server.host) {
    throw new RepositoryUrlError('host', `repository URL must be on ${server.host} (GITHUB_SERVER_URL), not ${parsed.host || 'an empty host'}`);
  }

  const segments = rest.split('/').slice(1);
  if (segments.length === 3 && segments[2] === '') segments.pop();
  if (segments.some((segment) => segment === '.' || segment === '..' || /%2e/i.test(segment))) {
    throw new RepositoryUrlError('dot-segment', 'repository URL must not contain . or .. path segments');
  }
  if (segments.length !== 2 || segments.includes('')) {
    throw new RepositoryUrlError('path', `repository URL must have exactly two path segments, owner and repository (${expected}), with nothing after them`);
  }

  const [owner, nameWithSuffix] = segments as [string, string];
  const name = nameWithSuffix.endsWith('.git') ? nameWithSuffix.slice(0, -'.git'.length) : nameWithSuffix;
  if (!ownerPattern.test(owner)) {
    throw new RepositoryUrlError('owner', 'repository owner must be 1-39 letters, digits or hyphens, not starting with a hyphen');
  }
  if (!namePattern.test(name) || name === '.' || name === '..') {
    throw new RepositoryUrlError('name', 'repository name must be 1-100 letters, digits, dots, hyphens or underscores');
  }

  const htmlUrl = `${scheme}://${parsed.host}/${owner}/${name}`;
  return { owner, name, htmlUrl, cloneUrl: `${htmlUrl}.git` };
}

/**
 * The rule of `parseRepositoryUrl` as one regular expression, for the OpenAPI document (clients and fuzzers read it):
 * the configured server's scheme(s) and host, an owner and a name (not `.` or `..`), an optional `.git` and `/`.
 */
export function repositoryUrlPattern(serverUrl: string): string {
  const server = new URL(serverUrl);
  const scheme = server.protocol === 'http:' ? '[Hh][Tt][Tt][Pp][Ss]?' : '[Hh][Tt][Tt][Pp][Ss]';
  const host = server.host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const owner = ownerPattern.source.slice(1, -1);
  const name = `(?!\\.{1,2}(?:\\.git)?/?\\s*$)(?!\\.git/?\\s*$)${namePattern.source.slice(1, -1)}`;
  return `^\\s*${scheme}://${host}/${owner}/${name}(?:\\.git)?/?\\s*$`;
}

/**
 * The same rule for a zod field: `z.string().superRefine(repositoryUrlRefinement(serverUrl))`, so the API answers 422
 * with the rule's message.
 */
export function repositoryUrlRefinement(serverUrl: string): (value: string, ctx: z.RefinementCtx<string>) => void {
  return (value, ctx) => {
    try {
      parseRepositoryUrl(value, serverUrl);
    } catch (error) {
      if (!(error instanceof RepositoryUrlError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message, params: { rule: error.rule } });
    }
  };
}
