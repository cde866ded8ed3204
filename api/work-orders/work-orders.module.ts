import { Module } from '@nestjs/common';
import { defaultLogStreamTimings, LOG_STREAM_TIMINGS, WorkOrderLogStreamService } from './work-order-log-stream.service.js';
import { WorkOrderLogsService } from './work-order-logs.service.js';
import { WorkOrderGateway } from './work-order-gateway.js';
import { WorkOrderListCache } from './work-order-list-cache.js';
import { WorkOrderStateReader } from './work-order-state.reader.js';
import { WorkOrdersController } from './work-orders.controller.js';
import { WorkOrdersService } from './work-orders.service.js';

@Module({
  controllers: [WorkOrdersController],
  providers: [
    WorkOrdersService,
    WorkOrderGateway,
    WorkOrderStateReader,
    { provide: WorkOrderListCache, useFactory: () => new WorkOrderListCache() },
    WorkOrderLogsService,
    WorkOrderLogStreamService,
    { provide: LOG_STREAM_TIMINGS, useValue: defaultLogStreamTimings },
  ],
  exports: [WorkOrderStateReader],
})
export class WorkOrdersModule {}
