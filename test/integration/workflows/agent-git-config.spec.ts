import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { AgentWorkOrder, SandboxType } from '../../../src/models/work-order.js';
import { bashTurn, textTurn } from '../../fixtures/model-server.js';
import { createBranchRule } from '../../utils/scripted-steps.js';
import { WorkOrderHarness } from '../../utils/work-order-harness.js';

const runningAsRoot = process.getuid?.() === 0;
const branch = 'feat/config-trap';

/**
 * What a prompt-injected agent turn would do to become root: write repository config that makes git run a program
 * (filters, textconv, askPass, gpg, alternateRefsCommand) into every config the worker's own git commands might read
 * (the sandbox's git dir, for a worktree the mirror's config and the worktree's own config), then
 * leave a modified tracked file behind so the next `git status`/`git diff` has to run the filter. Each planted program
 * appends its uid to the marker file: a 0 there means the worker ran the agent's program as root.
 */
function trapScript(trapDir: string): string {
  const passThrough = path.join(trapDir, 'mark-and-cat');
  const silent = path.join(trapDir, 'mark-and-true');
  const plant = (configFile: string) =>
    [
      `git config --file "${configFile}" filter.trap.clean "${passThrough}"`,
      `git config --file "${configFile}" filter.trap.smudge "${passThrough}"`,
      `git config --file "${configFile}" diff.trap.textconv "${passThrough}"`,
      `git config --file "${configFile}" core.askPass "${silent}"`,
      `git config --file "${configFile}" gpg.program "${silent}"`,
      `git config --file "${configFile}" push.gpgSign true`,
      `git config --file "${configFile}" core.alternateRefsCommand "${silent}"`,
    ]
      .map((command) => `${command} 2>/dev/null || echo "refused: ${configFile}" >> ${trapDir}/refusals`)
      .join('; ');
  return [
    // The agent's own commit comes first: its git must keep working with the traps in place.
    'echo feature > feature.txt && git add feature.txt && git commit -q -m "feat: add feature"',
    'common=$(git rev-parse --path-format=absolute --git-common-dir)',
    'own=$(git rev-parse --path-format=absolute --git-dir)',
    plant('$common/config'),
    plant('$own/config'),
    plant('$own/config.worktree'),
    // An alternate object store, so alternateRefsCommand has something to be asked about.
    `(mkdir -p "$common/objects/info" && echo "${path.join(trapDir, 'alt-objects')}" >> "$common/objects/info/alternates") 2>/dev/null || true`,
    `mkdir -p ${path.join(trapDir, 'alt-objects')}`,
    'printf "* filter=trap diff=trap\\n" > .gitattributes',
    // Same content, new mtime: git can only tell by running the clean filter over the file.
    'touch -d "1 hour ago" README.md',
  ].join('; ');
}

async function prepareTrapDir(): Promise<string> {
  const trapDir = await mkdtemp(path.join(os.tmpdir(), 'awo-git-trap-'));
  await chmod(trapDir, 0o1777);
  const mark = path.join(trapDir, 'mark');
  await writeFile(path.join(trapDir, 'mark-and-cat'), `#!/bin/sh\nid -u >> ${mark}\nexec cat "$@"\n`, { mode: 0o755 });
  await writeFile(path.join(trapDir, 'mark-and-true'), `#!/bin/sh\nid -u >> ${mark}\nexit 0\n`, { mode: 0o755 });
  await writeFile(mark, '', { mode: 0o666 });
  await chmod(mark, 0o666);
  return trapDir;
}

(runningAsRoot ? describe : describe.skip)('an agent turn that plants git config the root worker would run (worker as root)', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false });
  const trapDirs: string[] = [];

  beforeAll(() => harness.start());
  afterAll(async () => {
    await harness.stop();
    await Promise.all(trapDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it.each<SandboxType>(['git_worktree', 'git_branch'])('%s: no planted program runs as root, and the pull request still opens', async (sandboxType) => {
    if (harness.workerPids().length === 0) await harness.startAnotherWorkerHost('isolated-host');
    const trapDir = await prepareTrapDir();
    trapDirs.push(trapDir);
    const repository = await harness.createRepository(`config-trap-${sandboxType.replace('_', '-')}`);
    harness.model.setRules([createBranchRule(branch), { match: /^# Commit/m, turns: [bashTurn(trapScript(trapDir)), textTurn('done')] }]);

    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, sandboxType, selectedCommands: ['create-branch', 'commit', 'create-pr'] });
    const result = (await handle.result()) as AgentWorkOrder;

    const marks = (await readFile(path.join(trapDir, 'mark'), 'utf8')).split('\n').filter(Boolean);
    const agentUid = (await execa('id', ['-u', 'awo-agent'])).stdout.trim();
    expect(marks.filter((uid) => uid !== agentUid)).toEqual([]);
    if (sandboxType === 'git_branch') {
      // The clone's config is the agent's own: the traps were live there, and only the agent ran them.
      expect(marks.length).toBeGreaterThan(0);
    } else {
      // The mirror's config is the worker's: the agent could not plant anything there.
      expect(await readFile(path.join(trapDir, 'refusals'), 'utf8')).toMatch(/refused: \S+\.git\/config$/m);
    }
    expect(result.status).toBe('completed');
    expect(result.github_pull_request_url).toMatch(/\/pull\/\d+$/);
    const pushed = await execa('git', ['--git-dir', repository.bareDir, 'show', `${branch}:feature.txt`]);
    expect(pushed.stdout).toBe('feature');
  }, 300_000);
});
