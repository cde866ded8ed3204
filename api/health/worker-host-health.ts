import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { agentUserOf } from '../../src/agent/agent-identity.js';
import type { AppConfig } from '../../src/config.js';
import type { DependencyHealth } from '../../src/models/health-report.js';

/**
 * From the identities of the workers polling the queue: a worker that runs its agents as its own user (not root, or
 * AWO_AGENT_USER=root) lets a prompt-injected agent read that worker's token, key file and store.
 */
export function agentIsolationHealth(pollerIdentities: string[]): DependencyHealth {
  if (pollerIdentities.length === 0) return { healthy: true, detail: 'no worker polling, nothing to check' };
  const users = pollerIdentities.map(agentUserOf);
  const shared = users.filter((user) => user === null).length;
  if (shared > 0) {
    return {
      healthy: false,
      detail:
        `${shared} of ${users.length} worker(s) run the agent as the worker's own user (the worker is not root): a prompt-injected agent ` +
        "can read that worker's GitHub token, key file and settings store; run workers as root so agents get a user of their own",
    };
  }
  const named = [...new Set(users.filter((user): user is string => typeof user === 'string'))];
  const unknown = users.filter((user) => user === undefined).length;
  return { healthy: true, detail: `agents run as ${named.join(', ') || 'unknown'}${unknown > 0 ? ` (${unknown} worker(s) of an older version do not say)` : ''}` };
}

/**
 * A data folder that cannot be written fails every work order at its first file; say so before one is started.
 * access(2) answers EROFS for a read-only mount and EACCES for missing permission without writing anything.
 */
export async function homeHealth(config: Pick<AppConfig, 'AWO_HOME' | 'workOrderDir' | 'repositoryDir' | 'configDir'>): Promise<DependencyHealth> {
  for (const [variable, dir] of [
    ['AWO_WORK_ORDER_DIR', config.workOrderDir],
    ['AWO_REPOSITORY_DIR', config.repositoryDir],
    ['AWO_CONFIG_DIR', config.configDir],
  ] as const) {
    try {
      await access(dir, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EROFS' ? 'is on a read-only file system' : code === 'ENOENT' ? 'does not exist' : `is not writable for this user (uid ${process.getuid?.()}, ${code})`;
      return { healthy: false, detail: `${variable} (${dir}) ${why}: work orders cannot write their sandboxes, logs or settings` };
    }
  }
  return { healthy: true, detail: `${config.AWO_HOME} writable` };
}
