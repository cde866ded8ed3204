import { Module } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AppModule } from '../../api/app.module.js';
import type { ApiAuth } from '../../api/auth/api-token.js';
import { API_AUTH } from '../../api/auth/auth-tokens.js';
import { ApiExceptionFilter } from '../../api/core/api-exception.filter.js';
import { SchemaValidationPipe } from '../../api/core/schema-validation.pipe.js';
import { ConfigurationEnvModule } from '../../api/settings/configuration-store.module.js';
import { type AppConfig, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { connectTestClient } from './temporal-env.js';
import { connectionOptions } from '../../temporal/client/connection.js';

export interface ApiTestApp {
  config: AppConfig;
  /** The API token this app accepts (generated under the test's config folder unless AWO_API_TOKEN is set). */
  token: string;
  /** The Temporal client the app calls (a test may count its calls). */
  temporalClient: Client;
  /** supertest against the in-process app: `app.http().get('/api/agent-work-orders/settings')`. */
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

@Module({})
class ApiTestRootModule {}

/**
 * The whole API (AppModule, as `startApiServer` builds it: JSON body limit, validation pipe, error filter) in this
 * process without a port, on the test Temporal server. `env` is what the configuration is loaded from, and also what
 * the settings treat as the environment (so a test decides which variables override stored settings).
 */
export async function createApiTestApp(env: NodeJS.ProcessEnv, options: { temporalAddress?: string } = {}): Promise<ApiTestApp> {
  const config = loadConfig(env);
  const logger = createLogger('silent');
  // A lazy connection to another address: a Temporal server that is not there (or gone) without failing here.
  const { client, connection } = options.temporalAddress
    ? await (async () => {
        const lazy = Connection.lazy(connectionOptions(options.temporalAddress!));
        return { client: new Client({ connection: lazy, namespace: config.TEMPORAL_NAMESPACE }), connection: lazy };
      })()
    : await connectTestClient();
  const app = await NestFactory.create<NestExpressApplication>(
    {
      module: ApiTestRootModule,
      imports: [AppModule.forRoot({ config, temporalClient: client, logger, version: '0.0.0-test' }), ConfigurationEnvModule.forRoot(env)],
    },
    { bodyParser: false, logger: false },
  );
  app.useBodyParser('json', { limit: '512kb' });
  app.useGlobalPipes(new SchemaValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  await app.init();
  return {
    config,
    token: app.get<ApiAuth>(API_AUTH).token,
    temporalClient: client,
    http: () => request(app.getHttpServer()),
    close: async () => {
      await app.close();
      await connection.close();
    },
  };
}
