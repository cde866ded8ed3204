import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { openWorkOrderLogStore } from '../../src/logs/open-log-store.js';
import type { WorkOrderLogStore } from '../../src/logs/work-order-log-store.js';
import { API_LOGGER, APP_CONFIG, EARLY_PREPARES, SERVICE_VERSION, TEMPORAL_CLIENT, WORK_ORDER_LOG_STORE, WORK_ORDER_STARTER } from './api-tokens.js';
import type { EarlyPrepares } from '../../temporal/worker/early-prepares.js';
import { TemporalAvailability } from './temporal-availability.js';
import { TemporalAvailableInterceptor } from './temporal-available.interceptor.js';
import { TemporalAvailableGuard } from './temporal-available.guard.js';

/** What the API process is started with; everything else is built from it. */
export interface ApiDependencies {
  config: AppConfig;
  /** Owned by the caller, who closes its connection after the app. */
  temporalClient: Client;
  /**
   * A client on the connection of a worker in this same process (`npm start`): work orders are started with eager
   * workflow start, so the server hands the first workflow task to that worker in its answer instead of through a poll.
   */
  eagerStartClient?: Client;
  /** The same process's workers: a started work order's prepare (or its admission join) begins from here at once (see EarlyPrepares). */
  earlyPrepares?: EarlyPrepares;
  logger: Logger;
  version: string;
}

/** The shared providers every feature module injects: configuration, Temporal client (and whether it answers), artifacts. */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(WORK_ORDER_LOG_STORE) private readonly logStore: WorkOrderLogStore) {}

  static forRoot(dependencies: ApiDependencies): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: dependencies.config },
      { provide: TEMPORAL_CLIENT, useValue: dependencies.temporalClient },
      { provide: WORK_ORDER_STARTER, useValue: dependencies.eagerStartClient ?? null },
      { provide: EARLY_PREPARES, useValue: dependencies.earlyPrepares ?? null },
      { provide: API_LOGGER, useValue: dependencies.logger },
      { provide: SERVICE_VERSION, useValue: dependencies.version },
      {
        provide: WORK_ORDER_LOG_STORE,
        useFactory: () =>
          openWorkOrderLogStore(dependencies.config, {
            onPoolError: (error) => dependencies.logger.warn({ event: 'logs_connection_lost', error: error.message }, 'logs_connection_lost'),
          }),
      },
    ];
    const services = [TemporalAvailability, TemporalAvailableGuard, TemporalAvailableInterceptor];
    return { module: CoreModule, providers: [...providers, ...services], exports: [...providers.map((provider) => provider.provide), ...services] };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.logStore.close();
  }
}
