import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { type HealthReport, HealthService } from './health.service.js';

const dependencyHealthSchema = z.object({ healthy: z.boolean(), detail: z.string() });
export const healthReportSchema = z
  .object({
    status: z.enum(['healthy', 'degraded']),
    service: z.string(),
    version: z.string(),
    dependencies: z.object({ temporal: dependencyHealthSchema, worker: dependencyHealthSchema, claude_cli: dependencyHealthSchema, git: dependencyHealthSchema }),
    reasons: z.array(z.string()),
  })
  .meta({ id: 'HealthReport' }) satisfies z.ZodType<HealthReport>;

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
