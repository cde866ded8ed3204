import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Runs `work` in a new bare repository that only the worker can read or write, removed afterwards. For git that must
 * run as the worker (with the token) but would otherwise run in a repository the agent can write: its config and
 * hooks are the worker's, and `objectDirs` (written to objects/info/alternates) lend it the sandbox's objects without
 * any of the sandbox's config.
 */
export async function withScratchRepository<T>(objectDirs: readonly string[], work: (scratchPath: string) => Promise<T>): Promise<T> {
  const scratchPath = await mkdtemp(path.join(os.tmpdir(), 'awo-scratch-'));
  try {
    makeBareRepository(scratchPath, objectDirs);
    return await work(scratchPath);
  } finally {
    await rm(scratchPath, { recursive: true, force: true });
  }
}

/**
 * What `git init --bare --template=` writes, minus what nobody here reads, without a git process (a push waits for
 * it): git takes a folder with HEAD, objects/ and refs/ for a repository. Small synchronous writes into a fresh folder.
 */
function makeBareRepository(scratchPath: string, objectDirs: readonly string[]): void {
  mkdirSync(path.join(scratchPath, 'objects', 'info'), { recursive: true });
  mkdirSync(path.join(scratchPath, 'refs', 'heads'), { recursive: true });
  writeFileSync(path.join(scratchPath, 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(path.join(scratchPath, 'config'), '[core]\n\trepositoryformatversion = 0\n\tbare = true\n');
  if (objectDirs.length > 0) writeFileSync(path.join(scratchPath, 'objects', 'info', 'alternates'), `${objectDirs.join('\n')}\n`);
}
