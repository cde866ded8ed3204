import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isBundleCurrent } from '../../../temporal/worker/workflow-bundle.js';

describe('isBundleCurrent', () => {
  let dir: string;
  let workflows: string;
  let bundle: string;
  const at = (file: string, seconds: number) => utimes(file, seconds, seconds);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'awo-bundle-'));
    workflows = path.join(dir, 'workflows');
    bundle = path.join(dir, 'workflow-bundle.js');
    await mkdir(workflows);
    await writeFile(path.join(workflows, 'index.js'), 'export {};');
    await writeFile(path.join(workflows, 'work-order.workflow.js'), 'export {};');
    await writeFile(path.join(workflows, 'work-order.workflow.d.ts'), 'export {};');
    for (const name of ['index.js', 'work-order.workflow.js', 'work-order.workflow.d.ts']) await at(path.join(workflows, name), 1_000);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('trusts a bundle written after every compiled workflow file', async () => {
    await writeFile(bundle, 'bundle');
    await at(bundle, 2_000);
    await expect(isBundleCurrent(bundle, workflows)).resolves.toBe(true);
  });

  it('does not trust a bundle older than a compiled workflow file (tsc ran without the bundle step)', async () => {
    await writeFile(bundle, 'bundle');
    await at(bundle, 2_000);
    await at(path.join(workflows, 'work-order.workflow.js'), 3_000);
    await expect(isBundleCurrent(bundle, workflows)).resolves.toBe(false);
  });

  it('ignores files that are not compiled code', async () => {
    await writeFile(bundle, 'bundle');
    await at(bundle, 2_000);
    await at(path.join(workflows, 'work-order.workflow.d.ts'), 3_000);
    await expect(isBundleCurrent(bundle, workflows)).resolves.toBe(true);
  });

  it('is false without a bundle', async () => {
    await expect(isBundleCurrent(bundle, workflows)).resolves.toBe(false);
  });
});
