import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import type { AppConfig } from '../../src/config.js';
import { listRetentionScheduleIds, retentionHostId, retentionScheduleId, triggerRetention } from '../../temporal/client/retention-schedules.js';
import { APP_CONFIG, TEMPORAL_CLIENT } from '../core/api-tokens.js';
import { isTemporalUnavailable, temporalUnavailable } from '../work-orders/temporal-errors.js';
import type { RetentionTriggerResponse } from './maintenance.dto.js';

@Injectable()
export class MaintenanceService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Starts a retention run on one worker host, or on every host that has a schedule. The API may run on a machine of
   * its own (compose), so "every host" comes from the schedules the workers created, plus this machine's own id in
   * case the schedule list has not caught up with a worker that just started.
   */
  async triggerRetention(hostId: string | undefined): Promise<RetentionTriggerResponse> {
    try {
      const scheduleIds = hostId
        ? [retentionScheduleId(hostId)]
        : [...new Set([...(await listRetentionScheduleIds(this.client)), retentionScheduleId(this.config.AWO_WORKER_HOST_ID)])];
      // All at once: each trigger waits for its run to start, and a host that is gone (its last run never finished) would
      // otherwise add its whole wait to every other host's.
      const runs = await Promise.all(
        scheduleIds.map(async (scheduleId) => {
          try {
            const run = await triggerRetention(this.client, retentionHostId(scheduleId));
            return { schedule_id: run.scheduleId, host_id: retentionHostId(scheduleId), workflow_id: run.workflowId };
          } catch (error) {
            if (error instanceof ScheduleNotFoundError) return null;
            throw error;
          }
        }),
      );
      const triggered: RetentionTriggerResponse['triggered'] = runs.filter((run) => run !== null);
      if (triggered.length === 0) {
        throw new NotFoundException(
          hostId ? `no retention schedule for worker host ${hostId}: has a worker with AWO_WORKER_HOST_ID=${hostId} started?` : 'no retention schedule: no worker has started yet',
        );
      }
      return { triggered, message: `retention cleanup triggered on ${triggered.length} worker host(s); each run writes its report under config/retention/` };
    } catch (error) {
      if (isTemporalUnavailable(error)) throw temporalUnavailable(error);
      throw error;
    }
  }
}
