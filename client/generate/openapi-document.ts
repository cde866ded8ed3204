import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import { createApiApp, serviceVersion } from '../../api/api-server.js';
import { createOpenApiDocument } from '../../api/core/openapi.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

/**
 * The service's OpenAPI document without a running service: the app is built (routes and schemas scanned) but never
 * listens, so no Temporal server is needed. Its settings store lives in a throwaway home.
 */
export async function offlineOpenApiDocument(): Promise<OpenAPIObject> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'awo-openapi-'));
  try {
    const config = loadConfig({ AWO_HOME: home, LOG_LEVEL: 'silent' });
    // Services only touch the client when a request arrives, and none will.
    const temporalClient = {} as Client;
    const app = await createApiApp({ config, temporalClient, logger: createLogger('silent') });
    try {
      await app.init();
      return createOpenApiDocument(app, serviceVersion(), config);
    } finally {
      await app.close();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
