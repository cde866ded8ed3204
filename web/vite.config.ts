import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * The browser UI, built into dist/web, which the NestJS app serves at `/` (same origin as the API). Vite's own
 * transformer compiles the JSX (React's automatic runtime); a production build needs no React plugin.
 */
export default defineConfig({
  root: webRoot,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.join(webRoot, '..', 'dist', 'web'),
    emptyOutDir: true,
    rolldownOptions: {
      // React Query marks its hooks "use client" for server components; a browser-only bundle has nothing to keep.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
