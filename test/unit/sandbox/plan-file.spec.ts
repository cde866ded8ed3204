import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { openPlanFile, planPathCandidates, readPlanText } from '../../../src/sandbox/plan-file.js';

async function readIfPlan(sandbox: string, relativePath: string): Promise<string | null> {
  const handle = await openPlanFile(sandbox, relativePath, 'read');
  return handle ? readPlanText(handle).finally(() => handle.close()) : null;
}

describe('the plan file of a planning step', () => {
  it('looks for the conventional path first, then Markdown paths the answer names, never outside the sandbox', () => {
    expect(planPathCandidates('wo-1a2b3c4d', 'Plan written to ./PRPs/plan.md; see also /etc/passwd.md and ../../secrets.md')).toEqual([
      'PRPs/features/wo-1a2b3c4d-plan.md',
      'PRPs/plan.md',
    ]);
    expect(planPathCandidates('wo-1a2b3c4d', null)).toEqual(['PRPs/features/wo-1a2b3c4d-plan.md']);
  });

  it('reads a file inside the sandbox and refuses a symlink out of it, a folder symlinked out, a folder and a FIFO', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'awo-plan-file-'));
    try {
      const sandbox = path.join(root, 'sandbox');
      await mkdir(path.join(sandbox, 'PRPs'), { recursive: true });
      await writeFile(path.join(sandbox, 'PRPs', 'plan.md'), '# Plan');
      await writeFile(path.join(root, 'outside.md'), 'not the plan');
      await symlink(path.join(root, 'outside.md'), path.join(sandbox, 'PRPs', 'escape.md'));
      await mkdir(path.join(root, 'elsewhere'));
      await writeFile(path.join(root, 'elsewhere', 'plan.md'), 'not the plan either');
      await symlink(path.join(root, 'elsewhere'), path.join(sandbox, 'linked'));
      await promisify(execFile)('mkfifo', [path.join(sandbox, 'PRPs', 'fifo.md')]);
      expect(await readIfPlan(sandbox, 'PRPs/plan.md')).toBe('# Plan');
      expect(await readIfPlan(sandbox, 'PRPs/escape.md')).toBeNull();
      expect(await readIfPlan(sandbox, 'linked/plan.md')).toBeNull();
      expect(await readIfPlan(sandbox, 'PRPs')).toBeNull();
      expect(await readIfPlan(sandbox, 'PRPs/fifo.md')).toBeNull();
      expect(await readIfPlan(sandbox, 'PRPs/missing.md')).toBeNull();
      expect(await openPlanFile(sandbox, 'PRPs/escape.md', 'rewrite')).toBeNull();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
