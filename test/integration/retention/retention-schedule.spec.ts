import 'reflect-metadata';
import net from 'node:net';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { type ApiServerHandle, startApiServer } from '../../../api/api-server.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { createNativeConnection } from '../../../temporal/worker/native-connection.js';
import { listRetentionScheduleIds, retentionScheduleId } from '../../../temporal/client/retention-schedules.js';
import { createWorkOrderWorkers, type WorkOrderWorkers } from '../../../temporal/worker/worker.js';
import type { RetentionCleanupResult } from '../../../workflows/retention.workflow.js';
import { ApiClient } from '../../e2e/http-client.js';
import { testTemporalAddress } from '../../utils/temporal-env.js';
import { waitFor, WorkOrderHarness } from '../../utils/work-order-harness.js';

describe('the retention schedule', () => {
  const harness = new WorkOrderHarness();
  let secondConnection: NativeConnection | null = null;
  let secondWorkers: WorkOrderWorkers | null = null;
  let secondRun: Promise<void> | null = null;
  let api: ApiServerHandle | null = null;

  beforeAll(() => harness.start());
  afterAll(async () => {
    await api?.close();
    await secondWorkers?.shutdown();
    await secondRun?.catch(() => undefined);
    await secondConnection?.close();
    await harness.stop();
  });

  it('exists once per host after two worker starts, updated to the latest start', async () => {
    const scheduleId = retentionScheduleId(harness.workerHostId);
    // The harness started the first worker; this is the host restarting with a changed AWO_RETENTION_DAYS.
    secondConnection = await createNativeConnection(testTemporalAddress());
    secondWorkers = await createWorkOrderWorkers({
      config: loadConfig({ ...harness.env, AWO_RETENTION_DAYS: '3' }),
      connection: secondConnection,
      logger: createLogger('warn'),
      env: harness.env,
    });
    secondRun = secondWorkers.run();

    // The list comes from visibility, which catches up with a new schedule shortly after it is created.
    await waitFor(async () => (await listRetentionScheduleIds(harness.client)).includes(scheduleId), 'the schedule to be listed', 30_000);
    const listed = await listRetentionScheduleIds(harness.client);
    expect(listed.filter((id) => id.includes(harness.workerHostId))).toEqual([scheduleId]);

    const description = await harness.client.schedule.getHandle(scheduleId).describe();
    expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 60 * 60 * 1000 })]);
    expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(description.state.paused).toBe(false);
    expect(description.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'retentionCleanupWorkflow',
      taskQueue: harness.taskQueue,
      args: [{ hostTaskQueue: secondWorkers.hostTaskQueue, retentionDays: 3 }],
    });
  });

  it('runs on POST /api/agent-work-orders/maintenance/retention, and answers 404 for a host without a schedule', async () => {
    api = await startApiServer({ config: { ...harness.config, AWO_PORT: await freePort() }, temporalClient: harness.client, logger: createLogger('warn') });
    const http = new ApiClient(api.url);

    const answer = await http.post<{ triggered: { schedule_id: string; host_id: string; workflow_id: string | null }[] }>(
      `/api/agent-work-orders/maintenance/retention?host_id=${harness.workerHostId}`,
    );

    expect(answer.status).toBe(202);
    expect(answer.body.triggered).toEqual([{ schedule_id: retentionScheduleId(harness.workerHostId), host_id: harness.workerHostId, workflow_id: expect.any(String) }]);
    const report = (await harness.client.workflow.getHandle(answer.body.triggered[0]!.workflow_id!).result()) as RetentionCleanupResult;
    expect(report.hostTaskQueue).toBe(`${harness.taskQueue}-host-${harness.workerHostId}`);
    expect((await http.post(`/api/agent-work-orders/maintenance/retention?host_id=no-such-host`)).status).toBe(404);
    expect((await http.post(`/api/agent-work-orders/maintenance/retention?host_id=${encodeURIComponent('bad host')}`)).status).toBe(422);
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
