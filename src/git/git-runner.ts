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

/** Runs git with an argument array; never through a shell, never prompting for credentials. */
export async function git(args: string[], options: GitRunOptions): Promise<string> {
  const result = await execa('git', args, {
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
