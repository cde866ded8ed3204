import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { planFileInSandbox, planPathCandidates } from '../../../src/sandbox/plan-file.js';

describe('the plan file of a planning step', () => {
  it('looks for the conventional path first, then Markdown paths the answer names, never outside the sandbox', () => {
    expect(planPathCandidates('wo-1a2b3c4d', 'Plan written to ./PRPs/plan.md; see also /etc/passwd.md and ../../secrets.md')).toEqual([
      'PRPs/features/wo-1a2b3c4d-plan.md',
      'PRPs/plan.md',
    ]);
    expect(planPathCandidates('wo-1a2b3c4d', null)).toEqual(['PRPs/features/wo-1a2b3c4d-plan.md']);
  });

  it('resolves a file inside the sandbox and refuses a symlink that leads out of it', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'awo-plan-file-'));
    try {
      const sandbox = path.join(root, 'sandbox');
      await mkdir(path.join(sandbox, 'PRPs'), { recursive: true });
      await writeFile(path.join(sandbox, 'PRPs', 'plan.md'), '# Plan');
      await writeFile(path.join(root, 'outside.md'), 'not the plan');
      await symlink(path.join(root, 'outside.md'), path.join(sandbox, 'PRPs', 'escape.md'));
      expect(await planFileInSandbox(sandbox, 'PRPs/plan.md')).toMatch(/sandbox\/PRPs\/plan\.md$/);
      expect(await planFileInSandbox(sandbox, 'PRPs/escape.md')).toBeNull();
      expect(await planFileInSandbox(sandbox, 'PRPs/missing.md')).toBeNull();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
