import { realpathSync } from 'node:fs';
import path from 'node:path';
import { lastLines, runProcess } from '../process/process-runner.js';

export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(`git ${commandOf(args)} failed (exit ${exitCode ?? 'none'}): ${lastLines(stderr) || 'no output'}`);
  }
}

/** The git command's name, past any leading `-c key=value` of the caller's. */
function commandOf(args: readonly string[]): string {
  let index = 0;
  while (args[index] === '-c') index += 2;
  return args[index] ?? '';
}

/** An unprivileged user git runs as: the agent's, for any repository the agent can write. */
export interface GitUser {
  uid: number;
  gid: number;
  /** HOME of that user (its global git config), never the worker's. */
  home: string;
}

export interface GitRunOptions {
  cwd: string;
  /**
   * Run as this user, with an environment of git's basics only (no token, no secret of the worker's). Needed wherever
   * the agent can write the repository: its config (filters, textconv, askPass, gpg.program...) runs programs in the
   * name of whoever runs git there, and the -c overrides below cannot name every such key.
   */
  as?: GitUser;
  /** Extra environment for this one command (e.g. the token header from gitAuthEnv). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Written to git's stdin (e.g. `update-ref --stdin`). */
  input?: string;
}

/**
 * Config that outranks the repository's own (command-line scope). The worker runs git in checkouts the agent can
 * write, some of them with the token in the environment, so nothing the agent writes into a repository's config or
 * hooks folder may run a program in the worker's name: no hooks, no fsmonitor, no credential helper, no signing program, no transport
 * that runs a command (ext::, local paths with an upload-pack/receive-pack of the agent's choosing). safe.directory
 * (honoured only outside the repository) accepts this one checkout when it belongs to the agent's user.
 */
function workerGitConfig(cwd: string): string[] {
  let directory = path.resolve(cwd);
  try {
    directory = realpathSync(directory);
  } catch {
    // A folder that does not exist yet (clone's parent is always there, but a probe may come first): keep it as given.
  }
  return [
    `safe.directory=${directory}`,
    'core.hooksPath=/dev/null',
    'core.fsmonitor=false',
    'credential.helper=',
    'push.gpgSign=false',
    'protocol.allow=never',
    'protocol.https.allow=always',
    'protocol.http.allow=always',
  ].flatMap((entry) => ['-c', entry]);
}

/** How long a git command may take unless its caller says otherwise. */
export const defaultGitTimeoutMs = 10 * 60_000;

/** Runs git with an argument array; never through a shell, never prompting for credentials. */
export async function git(args: string[], options: GitRunOptions): Promise<string> {
  return withoutFinalNewline(await runGit(args, options, 'utf8'));
}

/** The same, for a command whose output is binary (a pack). */
export async function gitBytes(args: string[], options: GitRunOptions): Promise<Buffer> {
  return Buffer.from(await runGit(args, options, 'base64'), 'base64');
}

async function runGit(args: string[], options: GitRunOptions, stdoutEncoding: 'utf8' | 'base64'): Promise<string> {
  const user = options.as;
  const result = await runProcess('git', [...workerGitConfig(options.cwd), ...args], {
    cwd: options.cwd,
    env: { ...(user ? userEnv(user) : process.env), GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    timeoutMs: options.timeoutMs ?? defaultGitTimeoutMs,
    stdoutEncoding,
  });
  if (result.exitCode !== 0) throw new GitCommandError(args, result.exitCode ?? undefined, result.spawnError ?? result.stderr);
  return result.stdout;
}

function withoutFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
}

function userEnv(user: GitUser): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: user.home, XDG_CONFIG_HOME: path.join(user.home, '.config') };
}

/** Like `git`, but answers null instead of throwing (for probes such as "does this ref exist"). */
export async function gitOrNull(args: string[], options: GitRunOptions): Promise<string | null> {
  try {
    return await git(args, options);
  } catch (error) {
    if (error instanceof GitCommandError) return null;
    throw error;
  }
}
