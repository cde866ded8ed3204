import { Controller, HttpCode, HttpStatus, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { workOrdersRoutePrefix } from '../work-orders/work-orders.controller.js';
import { type RetentionTriggerQuery, retentionTriggerQuerySchema, type RetentionTriggerResponse, retentionTriggerResponseSchema } from './maintenance.dto.js';
import { MaintenanceService } from './maintenance.service.js';
import { TemporalAvailableGuard } from '../core/temporal-available.guard.js';
import { TemporalAvailableInterceptor } from '../core/temporal-available.interceptor.js';

@ApiTags('maintenance')
@Controller(`${workOrdersRoutePrefix}/maintenance`)
@UseGuards(TemporalAvailableGuard)
@UseInterceptors(TemporalAvailableInterceptor)
export class MaintenanceController {
  constructor(private readonly maintenance: MaintenanceService) {}

  @Post('retention')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Run the retention cleanup now (the same as "Trigger" on the awo-retention-<host> Schedule in the Temporal Web UI)' })
  @ApiResponse({ status: 202, standardSchema: retentionTriggerResponseSchema })
  @ApiResponse({ status: 404, description: 'no worker (of that host) has created its retention schedule yet' })
  @ApiResponse({ status: 422, description: 'invalid host_id' })
  triggerRetention(@Query({ schema: retentionTriggerQuerySchema }) query: RetentionTriggerQuery): Promise<RetentionTriggerResponse> {
    return this.maintenance.triggerRetention(query.host_id);
  }
}
