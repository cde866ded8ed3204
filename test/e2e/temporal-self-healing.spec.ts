import { execa } from 'execa';
import type { AgentWorkOrder } from '../../src/models/work-order.js';
import { commitRule, createBranchRule, gate, planningRule } from '../utils/scripted-steps.js';
import { waitFor, WorkOrderHarness } from '../utils/work-order-harness.js';
import { ApiClient } from './http-client.js';
import { freePort, type ServiceProcess, spawnService } from './service-process.js';

const prefix = '/api/agent-work-orders';
/** Long enough that the outage is there to look at, whatever the machine's speed; short next to the heartbeat timeout. */
const restartDelayMs = 8_000;

/** The pid of the service's `temporal server start-dev` child, read from the process table. */
async function temporalChildPid(servicePid: number): Promise<number | undefined> {
  const { stdout } = await execa('ps', ['-o', 'pid=,args=', '--ppid', String(servicePid)], { reject: false });
  const line = stdout.split('\n').find((entry) => entry.includes('start-dev'));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}

async function timedFetch(url: string): Promise<{ response: Response; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return { response, ms: performance.now() - started };
}

/**
 * `npm start` with its embedded Temporal dev server, which is killed for real while a work order's agent runs: the
 * API answers 503 with Retry-After at once while it is away, the service restarts it on the same database, and the
 * running work order goes on to its pull request.
 */
describe('the embedded Temporal server dies and the service heals', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false });
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    await harness.start();
  });

  afterAll(async () => {
    await service?.stop();
    await harness.stop();
  });

  it('answers 503 with Retry-After within 2 s while the server is away, restarts it, and the running work order completes', async () => {
    const [temporalPort, uiPort] = [await freePort(), await freePort()];
    service = await spawnService(harness, 'all', {
      // Empty is unset: the service starts its own dev server instead of using the test one.
      env: {
        TEMPORAL_ADDRESS: '',
        AWO_TEMPORAL_PORT: String(temporalPort),
        AWO_TEMPORAL_UI_PORT: String(uiPort),
        AWO_TEMPORAL_RESTART_DELAY_MS: String(restartDelayMs),
        LOG_LEVEL: 'info',
      },
    });
    const api = new ApiClient(service.url);
    const hold = gate();
    harness.model.setRules([createBranchRule('feat/heal'), planningRule('PRPs/plan.md', { holdUntil: hold.promise }), commitRule('docs: plan the feature')]);
    const repository = await harness.createRepository('healing');
    const created = await api.post<{ agent_work_order_id: string }>(`${prefix}/`, {
      repository_url: repository.htmlUrl,
      user_request: 'Plan a feature',
      workflow_type: 'agent_workflow_plan',
    });
    expect(created.status).toBe(201);
    const id = created.body.agent_work_order_id;
    await waitFor(() => harness.model.sawText('# Planning'), 'the planning step to reach the model', 120_000);

    const firstPid = await temporalChildPid(service.child.pid!);
    expect(firstPid).toBeGreaterThan(0);
    process.kill(firstPid!, 'SIGKILL');
    const killedAt = performance.now();

    // The restart waits restartDelayMs, so the outage lasts at least that long after the kill.
    const unhealthy = await waitFor(async () => {
      const answer = await api.get<{ status: string; reasons: string[] }>('/health');
      return answer.status === 503 ? answer.body : null;
    }, '/health to answer 503', restartDelayMs);
    expect(unhealthy.status).toBe('unhealthy');
    expect(unhealthy.reasons.join('\n')).toMatch(/^temporal: /m);

    const down = await waitFor(async () => {
      const answer = await timedFetch(`${service!.url}${prefix}/${id}`);
      return answer.response.status === 503 ? answer : null;
    }, 'a work-order route to answer 503', restartDelayMs);
    const detectedMs = performance.now() - killedAt;
    expect(down.ms).toBeLessThanOrEqual(2_000);
    expect(Number(down.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await down.response.json()).toEqual({ status_code: 503, detail: expect.stringMatching(/Temporal is not reachable/) });
    const list = await timedFetch(`${service.url}${prefix}/`);
    expect(list.response.status).toBe(503);
    expect(list.ms).toBeLessThanOrEqual(2_000);

    await waitFor(async () => (await api.get('/health')).status === 200, '/health to answer 200 again', 90_000);
    const recoveredMs = performance.now() - killedAt;
    const secondPid = await temporalChildPid(service.child.pid!);
    expect(secondPid).toBeGreaterThan(0);
    expect(secondPid).not.toBe(firstPid);
    // The server answers before startDevServer returns to the supervisor, so /health can turn 200 a moment before the line is written.
    await waitFor(() => service!.output().includes('temporal_dev_server_restarted'), 'the restart to be logged', 10_000);
    console.log(`outage: 503 seen ${Math.round(detectedMs)} ms after the kill (answered in ${Math.round(down.ms)} ms), healthy again after ${Math.round(recoveredMs)} ms`);

    hold.open();
    const finished = await waitFor(async () => {
      const answer = await api.get<AgentWorkOrder>(`${prefix}/${id}`);
      return answer.status === 200 && answer.body.status !== 'running' && answer.body.status !== 'pending' ? answer.body : null;
    }, 'the work order to finish after the restart', 180_000);
    expect(finished).toMatchObject({ agent_work_order_id: id, status: 'completed', current_phase: 'pr_created', git_branch_name: 'feat/heal' });
    expect(finished.github_pull_request_url).toBe(harness.forge.pullRequests('acme', 'healing')[0]?.htmlUrl);
  });

  it('ends on SIGTERM with exit 0 and takes its dev server with it (Ctrl-C on npm start)', async () => {
    const temporalPid = await temporalChildPid(service!.child.pid!);
    expect(temporalPid).toBeGreaterThan(0);
    // stop() sends SIGTERM and waits up to 20 s before it uses SIGKILL, which would end with a null code.
    expect(await service!.stop()).toBe(0);
    expect(service!.output()).toContain('service_service_stopped');
    expect(() => process.kill(temporalPid!, 0)).toThrow();
  });
});
