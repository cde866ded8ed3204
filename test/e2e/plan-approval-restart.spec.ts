import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../src/config.js';
import type { AgentWorkOrder } from '../../src/models/work-order.js';
import { commitRule, createBranchRule, executeRule, planningRule } from '../utils/scripted-steps.js';
import { waitFor, WorkOrderHarness } from '../utils/work-order-harness.js';
import { ApiClient } from './http-client.js';
import { freePort, type ServiceProcess, spawnService } from './service-process.js';

const prefix = '/api/agent-work-orders';
const awoPath = path.join(projectRoot, 'dist', 'cli', 'main.js');

/** The pid of the service's `temporal server start-dev` child, read from the process table. */
async function temporalChildPid(servicePid: number): Promise<number | undefined> {
  const { stdout } = await execa('ps', ['-o', 'pid=,args=', '--ppid', String(servicePid)], { reject: false });
  const line = stdout.split('\n').find((entry) => entry.includes('start-dev'));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}

async function stopProcess(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(pid, 'SIGTERM');
  await waitFor(() => !alive(), `process ${pid} to end`, 30_000);
}

/**
 * `npm start` with its embedded Temporal dev server: a work order waits for approval of its plan, the whole service
 * (API, worker and the dev server) stops and starts again on the same AWO_HOME, and the plan still waits; `awo approve`
 * then lets it go on to its pull request.
 */
describe('a plan waiting for approval survives a restart of the whole service', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false });
  let service: ServiceProcess | undefined;

  beforeAll(() => harness.start());

  afterAll(async () => {
    await service?.stop();
    await harness.stop();
  });

  it('still waits after the service and its Temporal server restart, and completes once approved with awo approve', async () => {
    const ports = { AWO_TEMPORAL_PORT: String(await freePort()), AWO_TEMPORAL_UI_PORT: String(await freePort()) };
    // Empty is unset: the service starts its own dev server, on its database under AWO_HOME.
    const env = { TEMPORAL_ADDRESS: '', ...ports };
    const port = await freePort();
    service = await spawnService(harness, 'all', { port, env });
    harness.model.setRules([createBranchRule('feat/survives'), planningRule(), executeRule('SURVIVED.md', 'approved after a restart\n'), commitRule('feat: approved after a restart')]);
    const repository = await harness.createRepository('approval-restart');
    let api = new ApiClient(service.url);
    const created = await api.post<{ agent_work_order_id: string }>(`${prefix}/`, { repository_url: repository.htmlUrl, user_request: 'Add a file', approval: 'plan' });
    expect(created.status).toBe(201);
    const id = created.body.agent_work_order_id;
    const waitForStatus = (status: string, timeoutMs = 120_000) =>
      waitFor(async () => {
        const answer = await api.get<AgentWorkOrder>(`${prefix}/${id}`);
        return answer.body.status === status ? answer.body : null;
      }, `the work order to be ${status}`, timeoutMs);
    const before = await waitForStatus('waiting_for_approval');

    // Whatever way the service ends, its dev server must be gone before the next one starts on the same database.
    const temporalPid = await temporalChildPid(service.child.pid!);
    expect(temporalPid).toBeDefined();
    await service.stop();
    await stopProcess(temporalPid!);
    service = await spawnService(harness, 'all', { port, env });
    api = new ApiClient(service.url);
    const after = await api.get<AgentWorkOrder>(`${prefix}/${id}`);
    expect(after.body).toMatchObject({ status: 'waiting_for_approval', plan_text: before.plan_text, approval_expires_at: before.approval_expires_at });
    const listed = await api.get<AgentWorkOrder[]>(`${prefix}/?status=waiting_for_approval`);
    expect(listed.body.map((workOrder) => workOrder.agent_work_order_id)).toEqual([id]);

    const shown = await execa(process.execPath, [awoPath, 'show', id], { env: { PATH: process.env.PATH, AWO_URL: service.url }, extendEnv: false, reject: false });
    expect(shown.stdout).toMatch(/^status: +\? waiting_for_approval$/m);
    expect(shown.stdout).toContain('  1. Add the demo file.');
    const approved = await execa(process.execPath, [awoPath, 'approve', id, '--comment', 'looks right'], { env: { PATH: process.env.PATH, AWO_URL: service.url }, extendEnv: false, reject: false });
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toBe(`${id} running`);

    const done = await waitForStatus('completed');
    expect(done).toMatchObject({ approval_outcome: 'approved', approval_comment: 'looks right', current_phase: 'pr_created' });
    expect(harness.forge.pullRequests('acme', 'approval-restart')).toHaveLength(1);
    const again = await execa(process.execPath, [awoPath, 'reject', id], { env: { PATH: process.env.PATH, AWO_URL: service.url }, extendEnv: false, reject: false });
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toMatch(/is not waiting for approval \(status: completed\)/);
  });
});
