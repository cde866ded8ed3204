import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { projectRoot } from '../../src/config.js';

/** Where `npm run build` puts the browser UI (vite, from web/). */
export const webUiDir = path.join(projectRoot, 'dist', 'web');

/** Paths the API owns; everything else under GET is the UI's. */
const apiPath = /^\/(api|docs|health)(?:[/-]|$)/;

/**
 * Serves the built UI at `/`: its hashed assets with long caching, and index.html for any other page path so a deep
 * link (`/work-orders/wo-1a2b3c4d`) survives a reload. Without a build (an API-only test run) nothing is served.
 */
export function serveWebUi(app: NestExpressApplication, dir = webUiDir): boolean {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) return false;
  app.useStaticAssets(path.join(dir, 'assets'), { prefix: '/assets/', immutable: true, maxAge: '365d', index: false, fallthrough: false });
  app.use((request: { method: string; path: string }, response: { setHeader(name: string, value: string): void; sendFile(file: string): void }, next: () => void) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || apiPath.test(request.path)) return next();
    // The page names its hashed assets; it must be fetched afresh after an upgrade.
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(indexFile);
  });
  return true;
}
