import { readFile, rm } from 'node:fs/promises';
import { killProcessGroup } from '../src/agent/claude-executor.js';

/** Kills the agent process group recorded in the pid file, if a dead worker left one behind. */
export async function killStaleAgent(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(await readFile(pidFile, 'utf8'));
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 1) await killProcessGroup(pid, 2_000);
  await rm(pidFile, { force: true });
}
