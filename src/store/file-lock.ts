import fs from 'node:fs/promises';
import os from 'node:os';

/** Older than this, a lock file is taken to be left behind by a process that died while writing. */
const staleAfterMs = 30_000;
const retryDelayMs = 15;
const defaultWaitMs = 15_000;

/**
 * Runs `work` while holding `lockPath`, a lock file created with O_EXCL. The API and the worker are separate processes
 * sharing one SQLite file: without this, two read-modify-write cycles could interleave and one write would be lost.
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, waitMs = defaultWaitMs): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}@${os.hostname()}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await removeIfStale(lockPath)) continue;
      if (Date.now() > deadline) throw new Error(`could not lock ${lockPath} within ${waitMs} ms: another process holds it`);
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

/** A lock whose holder is gone (same host, pid not alive) or that is older than any write takes. */
async function removeIfStale(lockPath: string): Promise<boolean> {
  try {
    const [content, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    const [pidText, host] = content.trim().split('@');
    const pid = Number(pidText);
    const holderGone = host === os.hostname() && Number.isInteger(pid) && pid > 0 && !isAlive(pid);
    if (!holderGone && Date.now() - stat.mtimeMs < staleAfterMs) return false;
    await fs.rm(lockPath, { force: true });
    return true;
  } catch (error) {
    // Released between our open and our read: just try again.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
