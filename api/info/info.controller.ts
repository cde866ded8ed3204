import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AppConfig } from '../../src/config.js';
import { APP_CONFIG, SERVICE_VERSION } from '../core/api-tokens.js';

export const serviceInfoSchema = z
  .object({
    service: z.string(),
    version: z.string(),
    temporal_namespace: z.string(),
    /** Links to a work order's workflow are `{temporal_ui_url}/namespaces/{namespace}/workflows/{agent_work_order_id}`. */
    temporal_ui_url: z.string().nullable(),
  })
  .meta({ id: 'ServiceInfo' });
export type ServiceInfo = z.infer<typeof serviceInfoSchema>;

/** What a client needs to know about this deployment, e.g. where the Temporal Web UI is, for the web UI's links. */
@ApiTags('service')
@Controller('api/info')
export class InfoController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVICE_VERSION) private readonly version: string,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Service version and the Temporal Web UI address' })
  @ApiOkResponse({ standardSchema: serviceInfoSchema })
  info(): ServiceInfo {
    return { service: 'agent-work-orders', version: this.version, temporal_namespace: this.config.TEMPORAL_NAMESPACE, temporal_ui_url: temporalUiUrl(this.config) };
  }
}

/** A configured address wins; the embedded dev server (no TEMPORAL_ADDRESS) serves its UI on loopback. */
export function temporalUiUrl(config: Pick<AppConfig, 'AWO_TEMPORAL_UI_URL' | 'TEMPORAL_ADDRESS' | 'AWO_TEMPORAL_UI_PORT'>): string | null {
  if (config.AWO_TEMPORAL_UI_URL) return config.AWO_TEMPORAL_UI_URL.replace(/\/+$/, '');
  return config.TEMPORAL_ADDRESS ? null : `http://127.0.0.1:${config.AWO_TEMPORAL_UI_PORT}`;
}
