import { readFileSync } from 'node:fs';

/**
 * A small file's text, read in place; '' when it cannot be read. For the few-byte files a sandbox setup reads (a
 * worktree's `.git` and `gitdir`, a spare's marker): in place each takes microseconds, a trip through the thread pool
 * took milliseconds on a loaded worker, and a setup read a dozen of them one after another.
 */
export function readSmallFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
