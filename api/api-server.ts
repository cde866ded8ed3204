import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { projectRoot } from '../src/config.js';
import type { HealthReport } from '../src/models/health-report.js';
import { AppModule } from './app.module.js';
import type { ApiAuth } from './auth/api-token.js';
import { API_AUTH } from './auth/auth-tokens.js';
import { HealthService } from './health/health.service.js';
import { ApiExceptionFilter } from './core/api-exception.filter.js';
import type { ApiDependencies } from './core/core.module.js';
import { answerClientErrorsWithJson, methodNotAllowed } from './core/http-edge.js';
import { setupOpenApi } from './core/openapi.js';
import { SchemaValidationPipe } from './core/schema-validation.pipe.js';
import { serveWebUi } from './core/web-ui.js';

export interface ApiServerHandle {
  url: string;
  auth: ApiAuth;
  /** Ends open log streams, stops accepting requests and waits for the ones in flight. */
  close(): Promise<void>;
  /** What /health answers, for the start banner. */
  health(): Promise<HealthReport>;
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
  const auth = app.get<ApiAuth>(API_AUTH);
  logger.info({ event: 'api_auth_configured', token_source: auth.source, token_file: auth.file, required: auth.required }, 'api_auth_configured');
  return { url, auth, close: () => app.close(), health: () => app.get(HealthService).report() };
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
  const document = setupOpenApi(app, version, dependencies.config);
  serveWebUi(app);
  app.use(methodNotAllowed(document));
  answerClientErrorsWithJson(app.getHttpServer());
  return app;
}

/**
 * The start-up lines about the token, printed like a notebook server does: a generated token is shown (it lives in a
 * 0600 file anyway, and the user needs it to sign in); one from AWO_API_TOKEN is not repeated.
 */
export function apiTokenLines(auth: ApiAuth): string[] {
  const use = auth.required ? 'required on every route but /health and the web UI files' : 'optional on loopback; required to change claude_cli_path or github_token';
  if (auth.source === 'env') return [`API token: from AWO_API_TOKEN (${use})`];
  return [`API token: ${auth.token}  (in ${auth.file}; send Authorization: Bearer <token>, or sign in to the web UI; ${use})`];
}

/** Nest's own messages (route mapping at start, its errors) go to our structured log, route mapping at debug. */
function nestLogger(logger: ApiDependencies['logger']): LoggerService {
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: unknown, ...context: unknown[]) =>
    logger[level]({ event: 'api_nest_logged', context: context.at(-1) }, String(message));
  return { log: write('debug'), debug: write('debug'), verbose: write('debug'), warn: write('warn'), error: write('error'), fatal: write('error') };
}
