import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { killProcessGroup } from './claude-executor.js';

/**
 * The pid file names the agent's process group and, once known, its session id: Claude Code starts tool commands in
 * sessions of their own, and the session id is how their orphans are found.
 */
export async function recordRunningAgent(pidFile: string, pid: number, sessionId: string | null): Promise<void> {
  await writeFile(pidFile, sessionId ? `${pid} ${sessionId}` : String(pid));
}

/**
 * Kills the agent recorded in the pid file, if a dead worker left one behind. The file is read synchronously: it is
 * almost never there, and the answer is on the way to the next agent's spawn.
 */
export async function killStaleAgent(pidFile: string): Promise<void> {
  let content: string;
  try {
    content = readFileSync(pidFile, 'utf8');
  } catch {
    return;
  }
  const [pidText, sessionId] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (Number.isInteger(pid) && pid > 1) await killProcessGroup(pid, 2_000, sessionId ?? null);
  await rm(pidFile, { force: true });
}
