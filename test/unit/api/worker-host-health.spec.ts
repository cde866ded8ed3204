import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { agentIsolationHealth, homeHealth } from '../../../api/health/worker-host-health.js';
import { agentUserOf, workerIdentity } from '../../../src/agent/agent-identity.js';

describe('agent isolation in /health, from the workers poller identities', () => {
  const isolated = workerIdentity({ isolated: true, user: 'awo-agent', uid: 999, gid: 999, home: '/x', gitIdentity: {} });
  const shared = workerIdentity({ isolated: false, reason: 'not root' });

  it('reads the agent user back from a worker identity', () => {
    expect(agentUserOf(isolated)).toBe('awo-agent');
    expect(agentUserOf(shared)).toBeNull();
    expect(agentUserOf('1234@host')).toBeUndefined();
  });

  it('is unhealthy as soon as one worker runs its agents as its own user, and says what that exposes', () => {
    const health = agentIsolationHealth([isolated, shared]);
    expect(health.healthy).toBe(false);
    expect(health.detail).toMatch(/1 of 2 worker\(s\) run the agent as the worker's own user.*GitHub token, key file and settings store/);
  });

  it('is healthy when every worker names a user of its own', () => {
    expect(agentIsolationHealth([isolated, '99@old-host'])).toEqual({ healthy: true, detail: 'agents run as awo-agent (1 worker(s) of an older version do not say)' });
  });
});

describe('home in /health', () => {
  it('names the folder that is missing, and is healthy when all can be written', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'awo-home-health-'));
    const layout = { AWO_HOME: home, workOrderDir: home, repositoryDir: home, configDir: home };
    expect(await homeHealth(layout)).toEqual({ healthy: true, detail: `${home} writable` });
    const missing = path.join(home, 'missing');
    expect(await homeHealth({ ...layout, repositoryDir: missing })).toEqual({
      healthy: false,
      detail: `AWO_REPOSITORY_DIR (${missing}) does not exist: work orders cannot write their sandboxes, logs or settings`,
    });
  });
});
