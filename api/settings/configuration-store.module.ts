import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { type ConfigurationServices, openConfigurationServices } from '../../src/settings/configuration-services.js';
import { API_LOGGER, APP_CONFIG } from '../core/api-tokens.js';

/** The store and its services, one per API process: settings, configured repositories, a GitHub client with the effective token. */
export const CONFIGURATION_SERVICES = Symbol('CONFIGURATION_SERVICES');
export const SETTINGS_SERVICE = Symbol('SETTINGS_SERVICE');
export const REPOSITORY_CATALOG = Symbol('REPOSITORY_CATALOG');
/**
 * The environment the configuration was loaded from (process.env unless provided): it tells which settings an
 * environment variable overrides. Tests provide their own through ConfigurationEnvModule.
 */
export const CONFIGURATION_ENV = Symbol('CONFIGURATION_ENV');

/**
 * Global so that any feature module can inject SETTINGS_SERVICE (e.g. the work-order timeout when a work order is
 * created) or REPOSITORY_CATALOG (a configured repository's defaults) without importing this one.
 */
@Global()
@Module({
  providers: [
    {
      provide: CONFIGURATION_SERVICES,
      inject: [APP_CONFIG, API_LOGGER, { token: CONFIGURATION_ENV, optional: true }],
      useFactory: (config: AppConfig, logger: Logger, env: NodeJS.ProcessEnv | undefined) => openConfigurationServices(config, env ?? process.env, logger),
    },
    { provide: SETTINGS_SERVICE, inject: [CONFIGURATION_SERVICES], useFactory: (services: ConfigurationServices) => services.settings },
    { provide: REPOSITORY_CATALOG, inject: [CONFIGURATION_SERVICES], useFactory: (services: ConfigurationServices) => services.repositories },
  ],
  exports: [CONFIGURATION_SERVICES, SETTINGS_SERVICE, REPOSITORY_CATALOG],
})
export class ConfigurationStoreModule implements OnApplicationShutdown {
  constructor(@Inject(CONFIGURATION_SERVICES) private readonly services: ConfigurationServices) {}

  async onApplicationShutdown(): Promise<void> {
    await this.services.close();
  }
}

/** Provides CONFIGURATION_ENV, for an app whose configuration was not loaded from process.env (tests). */
@Global()
@Module({})
export class ConfigurationEnvModule {
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    return { module: ConfigurationEnvModule, providers: [{ provide: CONFIGURATION_ENV, useValue: env }], exports: [CONFIGURATION_ENV] };
  }
}
