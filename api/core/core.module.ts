import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { WorkOrderArtifacts } from '../../src/artifacts/work-order-artifacts.js';
import type { AppConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { API_LOGGER, APP_CONFIG, SERVICE_VERSION, TEMPORAL_CLIENT, WORK_ORDER_ARTIFACTS } from './api-tokens.js';

/** What the API process is started with; everything else is built from it. */
export interface ApiDependencies {
  config: AppConfig;
  /** Owned by the caller, who closes its connection after the app. */
  temporalClient: Client;
  logger: Logger;
  version: string;
}

/** The shared providers every feature module injects: configuration, Temporal client, artifacts, GitHub client. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(dependencies: ApiDependencies): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: dependencies.config },
      { provide: TEMPORAL_CLIENT, useValue: dependencies.temporalClient },
      { provide: API_LOGGER, useValue: dependencies.logger },
      { provide: SERVICE_VERSION, useValue: dependencies.version },
      { provide: WORK_ORDER_ARTIFACTS, useValue: new WorkOrderArtifacts(dependencies.config.workOrderDir) },
    ];
    return { module: CoreModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}
