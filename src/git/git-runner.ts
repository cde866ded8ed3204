import { realpathSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed (exit ${exitCode ?? 'none'}): ${stderr.trim().split('\n').slice(-3).join(' ') || 'no output'}`);
  }
}

export interface GitRunOptions {
  cwd: string;
  /** Extra environment for this one command (e.g. the token header from gitAuthEnv). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Config that outranks the repository's own (command-line scope). The worker runs git in checkouts the agent can
 * write, some of them with the token in the environment, so nothing the agent writes into a repository's config or
 * hooks folder may run a program in the worker's name: no hooks, no fsmonitor, no credential helper, no transport
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
    'protocol.allow=never',
    'protocol.https.allow=always',
    'protocol.http.allow=always',
  ].flatMap((entry) => ['-c', entry]);
}

/** Runs git with an argument array; never through a shell, never prompting for credentials. */
export async function git(args: string[], options: GitRunOptions): Promise<string> {
  const result = await execa('git', [...workerGitConfig(options.cwd), ...args], {
    cwd: options.cwd,
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env },
    reject: false,
    timeout: options.timeoutMs ?? 10 * 60_000,
    stripFinalNewline: true,
  });
  if (result.exitCode !== 0) throw new GitCommandError(args, result.exitCode, String(result.stderr ?? ''));
  return String(result.stdout ?? '');
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
