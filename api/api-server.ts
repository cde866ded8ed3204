import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { projectRoot } from '../src/config.js';
import { AppModule } from './app.module.js';
import { ApiExceptionFilter } from './core/api-exception.filter.js';
import type { ApiDependencies } from './core/core.module.js';
import { setupOpenApi } from './core/openapi.js';
import { SchemaValidationPipe } from './core/schema-validation.pipe.js';

export interface ApiServerHandle {
  url: string;
  /** Ends open log streams, stops accepting requests and waits for the ones in flight. */
  close(): Promise<void>;
}

/** Bodies are JSON; 512 kB leaves room for a 20,000-character request however it is escaped, and no more. */
const jsonBodyLimit = '512kb';

export function serviceVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The NestJS app on AWO_HOST:AWO_PORT, used by both `entrypoints/api-main.ts` (API only) and `entrypoints/start-all.ts`. */
export async function startApiServer(dependencies: Omit<ApiDependencies, 'version'>): Promise<ApiServerHandle> {
  const { config, logger } = dependencies;
  const app = await createApiApp(dependencies);
  await app.listen(config.AWO_PORT, config.AWO_HOST);
  const url = `http://${config.AWO_HOST.includes(':') ? `[${config.AWO_HOST}]` : config.AWO_HOST}:${config.AWO_PORT}`;
  logger.info({ event: 'api_server_started', url }, 'api_server_started');
  return { url, close: () => app.close() };
}

/** The configured app, not yet listening: the server above, and the OpenAPI dump the typed client is generated from. */
export async function createApiApp(dependencies: Omit<ApiDependencies, 'version'>): Promise<NestExpressApplication> {
  const { logger } = dependencies;
  const version = serviceVersion();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ ...dependencies, version }), {
    bodyParser: false,
    forceCloseConnections: true,
    logger: nestLogger(logger),
  });
  app.useBodyParser('json', { limit: jsonBodyLimit });
  app.disable('x-powered-by');
  app.useGlobalPipes(new SchemaValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  setupOpenApi(app, version);
  return app;
}

/** Nest's own messages (route mapping at start, its errors) go to our structured log, route mapping at debug. */
function nestLogger(logger: ApiDependencies['logger']): LoggerService {
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: unknown, ...context: unknown[]) =>
    logger[level]({ event: 'api_nest_logged', context: context.at(-1) }, String(message));
  return { log: write('debug'), debug: write('debug'), verbose: write('debug'), warn: write('warn'), error: write('error'), fatal: write('error') };
}
