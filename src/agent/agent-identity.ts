import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { AppConfig } from '../config.js';
import { ConfigError } from '../config-errors.js';
import type { Logger } from '../logger.js';

export const defaultAgentUser = 'awo-agent';

/** Who the agent CLI (and every tool it starts) runs as. */
export type AgentIdentity =
  | {
      isolated: true;
      user: string;
      uid: number;
      gid: number;
      /** HOME and CLAUDE_CONFIG_DIR parent of the agent: its own, under AWO_HOME, unreadable for nobody else matters. */
      home: string;
      /** The worker's git identity, for agent commits when the environment names none (the agent cannot read root's config). */
      gitIdentity: Record<string, string>;
    }
  | {
      isolated: false;
      /** Why the agent runs as the worker's own user, for /health and the start-up log. */
      reason: string;
    };

type IdentityFolders = Pick<AppConfig, 'AWO_HOME' | 'workOrderDir' | 'repositoryDir'> & {
  AWO_AGENT_USER?: string;
  /** The worker user's home folder (default: the process's), the one closed parent the worker may open for the agent. */
  workerHome?: string;
};

const preparing = new Map<string, Promise<AgentIdentity>>();

/**
 * The worker's secrets (its environment with the GitHub token, the key file and the store under the config folder) are
 * readable by any process of its own user. A root worker therefore runs the agent as a dedicated unprivileged user,
 * created here if missing; the work-order and repository folders become enterable (not listable) for it, while the
 * config and temporal folders stay 0700. A worker that is not root cannot switch users: the agent then runs as the
 * worker's user and the returned reason says so.
 */
export function prepareAgentIdentity(config: IdentityFolders, logger?: Pick<Logger, 'info' | 'warn'>): Promise<AgentIdentity> {
  const key = `${config.AWO_AGENT_USER ?? defaultAgentUser}\0${config.AWO_HOME}`;
  let prepared = preparing.get(key);
  if (!prepared) {
    prepared = prepare(config, logger);
    preparing.set(key, prepared);
    prepared.catch(() => preparing.delete(key));
  }
  return prepared;
}

async function prepare(config: IdentityFolders, logger?: Pick<Logger, 'info' | 'warn'>): Promise<AgentIdentity> {
  const workerUid = process.getuid?.();
  if (workerUid !== 0) {
    const reason =
      `the worker runs as uid ${workerUid ?? 'unknown'}, not root, so the agent runs as the same user and can read what the worker can ` +
      '(its environment, the config folder); run the worker as root to have the agent run as a separate user';
    logger?.warn({ event: 'agent_isolation_unavailable', reason }, 'agent_isolation_unavailable');
    return { isolated: false, reason };
  }
  const user = config.AWO_AGENT_USER ?? defaultAgentUser;
  const entry = (await lookupUser(user)) ?? (await createUser(user, logger));
  if (entry.uid === 0) {
    const reason = `AWO_AGENT_USER (${user}) is root: the agent can read every secret of the service`;
    logger?.warn({ event: 'agent_isolation_unavailable', reason }, 'agent_isolation_unavailable');
    return { isolated: false, reason };
  }
  const home = path.join(config.AWO_HOME, 'agent-home');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await chown(home, entry.uid, entry.gid);
  await chmod(home, 0o700);
  for (const dir of [config.AWO_HOME, config.workOrderDir, config.repositoryDir]) {
    await allowTraversal(dir);
    await requireTraversableAncestors(dir, user, config.workerHome ?? os.homedir(), logger);
  }
  const identity: AgentIdentity = { isolated: true, user, uid: entry.uid, gid: entry.gid, home, gitIdentity: await workerGitIdentity() };
  logger?.info({ event: 'agent_identity_prepared', user, uid: entry.uid, gid: entry.gid }, 'agent_identity_prepared');
  return identity;
}

interface PasswdEntry {
  uid: number;
  gid: number;
}

async function lookupUser(user: string): Promise<PasswdEntry | null> {
  const result = await execa('getent', ['passwd', user], { reject: false });
  if (result.exitCode !== 0) return null;
  const [, , uid, gid] = String(result.stdout).trim().split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function createUser(user: string, logger?: Pick<Logger, 'info'>): Promise<PasswdEntry> {
  const result = await execa(
    'useradd',
    ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--comment', 'Agent Work Orders agent', user],
    { reject: false },
  );
  // 9: another worker on this machine created it meanwhile.
  if (result.exitCode !== 0 && result.exitCode !== 9) {
    const why = result.exitCode === undefined ? 'useradd is not available' : `useradd exited with ${result.exitCode}: ${String(result.stderr).trim()}`;
    throw new ConfigError(
      `AWO_AGENT_USER: the agent user "${user}" does not exist and could not be created (${why}); create it (useradd --system ${user}) or name an existing unprivileged user`,
      'AWO_AGENT_USER',
    );
  }
  const entry = await lookupUser(user);
  if (!entry) throw new ConfigError(`AWO_AGENT_USER: the agent user "${user}" was created but cannot be looked up`, 'AWO_AGENT_USER');
  logger?.info({ event: 'agent_user_created', user, uid: entry.uid }, 'agent_user_created');
  return entry;
}

/** Others may enter the folder by name but not list it: the agent reaches its sandbox and nothing is enumerable. */
async function allowTraversal(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { mode } = await stat(dir);
  if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
}

/**
 * The default AWO_HOME of a root worker is /root/.awo, and /root is 0700 on most systems: `npm start` as root must still
 * work, so the worker's own home folder (and only that one) is opened for entering by name, never for listing, and the
 * start-up log says so. Any other closed folder on the way is the operator's choice and stops start-up with the cause.
 */
async function requireTraversableAncestors(dir: string, user: string, workerHome: string, logger?: Pick<Logger, 'warn'>): Promise<void> {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0 && path.resolve(current) === path.resolve(workerHome)) {
      await chmod(current, (mode & 0o7777) | 0o001);
      logger?.warn(
        { event: 'agent_home_traversal_granted', folder: current, previous_mode: (mode & 0o7777).toString(8).padStart(4, '0') },
        'agent_home_traversal_granted',
      );
    } else if ((mode & 0o001) === 0) {
      throw new ConfigError(
        `AWO_HOME: the agent user "${user}" cannot reach ${dir}, because ${current} (mode ${(mode & 0o7777).toString(8).padStart(4, '0')}) is closed to other users; ` +
          'put AWO_HOME (or the work-order and repository folders) where other users may enter, e.g. AWO_HOME=/var/lib/agent-work-orders',
        'AWO_HOME',
      );
    }
    if (current === path.dirname(current)) return;
  }
}

async function workerGitIdentity(): Promise<Record<string, string>> {
  const read = async (key: string) => {
    const result = await execa('git', ['config', '--get', key], { reject: false });
    return result.exitCode === 0 ? String(result.stdout).trim() : '';
  };
  const [name, email] = await Promise.all([read('user.name'), read('user.email')]);
  return {
    ...(name ? { GIT_AUTHOR_NAME: name, GIT_COMMITTER_NAME: name } : {}),
    ...(email ? { GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_EMAIL: email } : {}),
  };
}

/**
 * The agent's environment for its identity: an isolated agent has its own HOME and Claude config folder (the worker's
 * may hold the operator's credentials and is not writable for it), and the worker's git identity where none is given.
 */
export function environmentFor(identity: AgentIdentity, env: Record<string, string>): Record<string, string> {
  if (!identity.isolated) return env;
  return {
    ...identity.gitIdentity,
    ...env,
    HOME: identity.home,
    USER: identity.user,
    LOGNAME: identity.user,
    CLAUDE_CONFIG_DIR: path.join(identity.home, '.claude'),
  };
}

/** The process options that make a child run as the agent. */
export function spawnIdentity(identity: AgentIdentity): { uid?: number; gid?: number } {
  return identity.isolated ? { uid: identity.uid, gid: identity.gid } : {};
}

const agentUserMarker = ' agent-user=';

/**
 * The worker's Temporal identity carries who its agents run as, so /health (possibly on another host) can tell from
 * the task queue's pollers whether any worker hands its agents the worker's own privileges.
 */
export function workerIdentity(identity: AgentIdentity): string {
  return `${process.pid}@${os.hostname()}${agentUserMarker}${identity.isolated ? identity.user : '-'}`;
}

/** The agent user a poller identity names: null for '-' (the worker's own user), undefined when it names none. */
export function agentUserOf(pollerIdentity: string): string | null | undefined {
  const at = pollerIdentity.lastIndexOf(agentUserMarker);
  if (at < 0) return undefined;
  const user = pollerIdentity.slice(at + agentUserMarker.length);
  return user === '-' ? null : user;
}
