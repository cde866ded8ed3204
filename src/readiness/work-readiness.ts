import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * What would stop real work although the service is up: checked at start (the banner) and by /health (its `degraded`
 * reasons), so a new user learns it before the first work order fails at its push.
 */
export interface ReadinessProbe {
  /** The effective GitHub token (environment or saved setting); only whether there is one is used. */
  githubToken(): Promise<string | undefined>;
  /** The environment the agent is started from. */
  env: NodeJS.ProcessEnv;
  githubServerUrl: string;
  /** Injected so tests need no network; the global fetch otherwise. */
  fetch?: typeof fetch;
}

const serverAnswerTimeoutMs = 5_000;
/** Variables through which Claude Code reaches a model without a login (API key, gateway, cloud providers). */
const modelAccessVariables = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_OAUTH_TOKEN', 'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX'];

export async function readinessProblems(probe: ReadinessProbe): Promise<string[]> {
  return presentProblems([githubTokenProblem(probe.githubToken), modelAccessProblem(probe.env), githubServerProblem(probe.githubServerUrl, probe.fetch)]);
}

export async function presentProblems(checks: Promise<string | null>[]): Promise<string[]> {
  return (await Promise.all(checks)).filter((problem): problem is string => problem !== null);
}

export const missingGithubTokenMessage =
  'no GitHub token: work orders cannot clone private repositories, push or open pull requests; set GITHUB_TOKEN (or GH_TOKEN) or save github_token in the settings';

export async function githubTokenProblem(githubToken: () => Promise<string | undefined>): Promise<string | null> {
  try {
    return (await githubToken()) ? null : missingGithubTokenMessage;
  } catch (error) {
    return `the saved GitHub token cannot be read (${error instanceof Error ? error.message : String(error)}); save it again or set GITHUB_TOKEN`;
  }
}

/** The Claude config folder the agent uses: CLAUDE_CONFIG_DIR, else ~/.claude (with ~/.claude.json beside it). */
export function claudeConfigDir(env: NodeJS.ProcessEnv): string {
  return env.CLAUDE_CONFIG_DIR || path.join(env.HOME || os.homedir(), '.claude');
}

export async function modelAccessProblem(env: NodeJS.ProcessEnv): Promise<string | null> {
  if (modelAccessVariables.some((name) => env[name])) return null;
  if (await claudeLoginFound(env)) return null;
  return `no way for the agent to reach a model: set ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL for a gateway), or log in with \`claude\` (no login found in ${claudeConfigDir(env)})`;
}

/**
 * A `claude` login leaves `.credentials.json` in the config folder on Linux; on macOS the secret is in the keychain and
 * only the account (`oauthAccount`) is recorded in the config file.
 */
async function claudeLoginFound(env: NodeJS.ProcessEnv): Promise<boolean> {
  const dir = claudeConfigDir(env);
  const configFiles = env.CLAUDE_CONFIG_DIR ? [path.join(dir, '.claude.json')] : [path.join(path.dirname(dir), '.claude.json'), path.join(dir, '.claude.json')];
  if (await readFile(path.join(dir, '.credentials.json'), 'utf8').then((text) => text.trim() !== '', () => false)) return true;
  for (const file of configFiles) {
    const account = await readFile(file, 'utf8').then(
      (text) => (JSON.parse(text) as { oauthAccount?: unknown }).oauthAccount,
      () => undefined,
    );
    if (account) return true;
  }
  return false;
}

/** Any HTTP answer counts: the question is whether clones and pushes can reach the host at all. */
export async function githubServerProblem(url: string, fetchUrl: typeof fetch = fetch): Promise<string | null> {
  try {
    const response = await fetchUrl(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(serverAnswerTimeoutMs) });
    await response.body?.cancel();
    return null;
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    return `GITHUB_SERVER_URL ${url} does not answer (${cause.split('\n')[0]}): repositories cannot be cloned or pushed`;
  }
}
