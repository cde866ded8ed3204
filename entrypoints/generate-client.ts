import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../src/config.js';
import { apiTypesSource, generatedTypesPath } from '../client/generate/api-types-source.js';
import { offlineOpenApiDocument } from '../client/generate/openapi-document.js';

/** `npm run client:generate`: rewrites the typed client's generated types from the current routes and schemas. */
const source = await apiTypesSource(await offlineOpenApiDocument());
const target = path.join(projectRoot, generatedTypesPath);
await writeFile(target, source);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
