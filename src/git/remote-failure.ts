import { GitCommandError } from './git-runner.js';

/**
 * What git prints when the remote answered and said no: the repository is missing or this token may not read it.
 * Asking again will not change the answer, unlike a refused connection, a timeout or a 5xx.
 */
const refusalPatterns = [
  /repository '[^']*' not found/i,
  /Repository not found/i,
  /Authentication failed/i,
  /could not read (Username|Password)/i,
  /The requested URL returned error: (401|403|404)\b/i,
  /does not appear to be a git repository/i,
];

/** The remote's refusal as one line, or null when the failure may pass (network, server error, anything else). */
export function remoteRefusal(error: unknown): string | null {
  if (!(error instanceof GitCommandError)) return null;
  const line = error.stderr
    .split('\n')
    .map((text) => text.trim())
    .find((text) => refusalPatterns.some((pattern) => pattern.test(text)));
  return line ?? null;
}
