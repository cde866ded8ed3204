export interface GitAuthOptions {
  /**
   * Send the header only to URLs under this one (git's `http.<url>.extraHeader`), e.g. GITHUB_SERVER_URL, so a
   * redirect or a submodule on another host never receives the token.
   */
  scopeUrl?: string;
  /**
   * The environment the git command would otherwise inherit. Config entries already passed through GIT_CONFIG_COUNT
   * there are carried over, because overriding the count would silently drop them.
   */
  inheritedEnv?: NodeJS.ProcessEnv;
}

/**
 * Environment for ONE git command that must authenticate to GitHub (push, fetch of a private repository).
 *
 * The token travels as an `Authorization: Basic x-access-token:<token>` header set through GIT_CONFIG_* variables:
 * not in argv (visible in `ps`), not in the remote URL (stored in .git/config and echoed in errors), and not in any
 * config file. GIT_TERMINAL_PROMPT=0 makes a refused or missing token fail at once instead of waiting on a prompt.
 * The result holds the token in encoded form: pass it to the child process, never to a logger.
 */
export function gitAuthEnv(token: string | undefined, options: GitAuthOptions = {}): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
  if (!token) return env;

  const inherited = options.inheritedEnv ?? process.env;
  const inheritedCount = Number.parseInt(inherited.GIT_CONFIG_COUNT ?? '0', 10);
  const start = Number.isInteger(inheritedCount) && inheritedCount > 0 ? inheritedCount : 0;
  for (let index = 0; index < start; index += 1) {
    const key = inherited[`GIT_CONFIG_KEY_${index}`];
    if (key === undefined) continue;
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = inherited[`GIT_CONFIG_VALUE_${index}`] ?? '';
  }

  const key = options.scopeUrl === undefined ? 'http.extraHeader' : `http.${scopedUrl(options.scopeUrl)}.extraHeader`;
  env.GIT_CONFIG_COUNT = String(start + 1);
  env[`GIT_CONFIG_KEY_${start}`] = key;
  env[`GIT_CONFIG_VALUE_${start}`] = `Authorization: ${basicAuthorization(token)}`;
  return env;
}

/** What a request to the forge may authenticate with: the token, sent only to URLs under `scopeUrl` (as gitAuthEnv). */
export interface RemoteAccess {
  token?: string;
  scopeUrl?: string;
}

/** The Authorization header's value git sends for the token (GitHub's `x-access-token` user). Never log it. */
export function basicAuthorization(token: string): string {
  return `Basic ${Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64')}`;
}

/**
 * True when git would send `http.<scopeUrl>.extraHeader` to `url`: same scheme, host and port, and the path under the
 * scope's (at a segment boundary). Without a scope, as `http.extraHeader`: everywhere.
 */
export function isUnderScope(url: string, scopeUrl: string | undefined): boolean {
  if (scopeUrl === undefined) return true;
  const target = new URL(url);
  const scope = new URL(scopedUrl(scopeUrl));
  return target.protocol === scope.protocol && target.host === scope.host && `${target.pathname}/`.startsWith(scope.pathname) && !target.username && !target.password;
}

// git matches `http.<url>.*` by scheme, host, port and path prefix; a trailing slash keeps `/org` from matching `/org2`.
function scopedUrl(url: string): string {
  const parsed = new URL(url);
  const pathname = parsed.pathname.endsWith('/') ? parsed.pathname : `${parsed.pathname}/`;
  return `${parsed.protocol}//${parsed.host}${pathname}`;
}
