import type { ServerResponse } from 'node:http';
import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type HealthReport, healthReportSchema } from '../../src/models/health-report.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health')
  @ApiOperation({ summary: 'Temporal reachable, a worker polling, the Claude CLI and git present' })
  @ApiOkResponse({ standardSchema: healthReportSchema, description: 'healthy, or degraded with reasons' })
  @ApiResponse({ status: 503, standardSchema: healthReportSchema, description: 'unhealthy (Temporal unreachable): the same report' })
  async report(@Res({ passthrough: true }) response: ServerResponse): Promise<HealthReport> {
    const report = await this.health.report();
    // Archon's contract: load balancers and orchestrators read the status code, not the body.
    if (report.status === 'unhealthy') response.statusCode = HttpStatus.SERVICE_UNAVAILABLE;
    return report;
  }
}
