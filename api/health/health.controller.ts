import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type HealthReport, healthReportSchema } from '../../src/models/health-report.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health')
  @ApiOperation({ summary: 'Temporal reachable, a worker polling, the Claude CLI and git present' })
  @ApiOkResponse({ standardSchema: healthReportSchema })
  report(): Promise<HealthReport> {
    return this.health.report();
  }
}
