import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { apiTypesSource, generatedTypesPath } from '../../../client/generate/api-types-source.js';
import { offlineOpenApiDocument } from '../../../client/generate/openapi-document.js';
import { projectRoot } from '../../../src/config.js';

describe('typed API client', () => {
  it('commits the types generated from the current OpenAPI document (run `npm run client:generate` when this fails)', async () => {
    const committed = await readFile(path.join(projectRoot, generatedTypesPath), 'utf8');
    const fresh = await apiTypesSource(await offlineOpenApiDocument());
    expect(committed).toBe(fresh);
  });
});
