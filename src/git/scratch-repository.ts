import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { git } from './git-runner.js';

/**
 * Runs `work` in a new bare repository that only the worker can read or write, removed afterwards. For git that must
 * run as the worker (with the token) but would otherwise run in a repository the agent can write: its config and
 * hooks are the worker's, and `objectDirs` (written to objects/info/alternates) lend it the sandbox's objects without
 * any of the sandbox's config.
 */
export async function withScratchRepository<T>(objectDirs: readonly string[], work: (scratchPath: string) => Promise<T>): Promise<T> {
  const scratchPath = await mkdtemp(path.join(os.tmpdir(), 'awo-scratch-'));
  try {
    // No template: its sample hooks and info files are copies nobody reads (hooks never run, see workerGitConfig).
    await git(['init', '--bare', '--quiet', '--template='], { cwd: scratchPath });
    if (objectDirs.length > 0) await writeFile(path.join(scratchPath, 'objects', 'info', 'alternates'), `${objectDirs.join('\n')}\n`);
    return await work(scratchPath);
  } finally {
    await rm(scratchPath, { recursive: true, force: true });
  }
}
