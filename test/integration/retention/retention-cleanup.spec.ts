import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RetentionReport } from '../../../src/retention/retention-types.js';
import { newAgentWorkOrderId } from '../../../src/ids.js';
import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import { createBranchRule, gate, planningRule } from '../../utils/scripted-steps.js';
import { ageFiles, ageWorkOrder, commitOnBranch, createTestSandbox, mirrorWorktrees, pushBranch, runRetentionNow } from '../../utils/retention-fixtures.js';
import { waitFor, WorkOrderHarness } from '../../utils/work-order-harness.js';

/** Well past the default AWO_RETENTION_DAYS of 7. */
const oldDays = 30;

describe('retention cleanup on a worker host', () => {
  const harness = new WorkOrderHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  const folderOf = (agentWorkOrderId: string) => path.join(harness.config.workOrderDir, agentWorkOrderId);

  it('removes an old finished work order folder and keeps recent ones', async () => {
    harness.model.setRules([createBranchRule('feat/old-finished'), planningRule()]);
    const repository = await harness.createRepository('retention-finished');
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch', 'planning'] });
    expect(((await handle.result()) as AgentWorkOrder).status).toBe('completed');
    const finished = handle.workflowId;
    expect(existsSync(path.join(folderOf(finished), 'metadata.json'))).toBe(true);
    await ageWorkOrder(folderOf(finished), oldDays);
    // A folder that never got its metadata.json (e.g. its host died) is aged by its file times instead.
    const withoutMetadata = newAgentWorkOrderId();
    await mkdir(folderOf(withoutMetadata), { recursive: true });
    await writeFile(path.join(folderOf(withoutMetadata), 'logs.jsonl'), '{}\n');
    await ageFiles([path.join(folderOf(withoutMetadata), 'logs.jsonl'), folderOf(withoutMetadata)], oldDays);
    const recent = newAgentWorkOrderId();
    await ageWorkOrder(folderOf(recent), 1);
    const recentWithoutMetadata = newAgentWorkOrderId();
    await mkdir(folderOf(recentWithoutMetadata), { recursive: true });

    const report = await runRetentionNow(harness.client, harness.workerHostId);

    expect(report.removed).toEqual(expect.arrayContaining([finished, withoutMetadata]));
    expect(existsSync(folderOf(finished))).toBe(false);
    expect(existsSync(folderOf(withoutMetadata))).toBe(false);
    expect(existsSync(folderOf(recent))).toBe(true);
    expect(existsSync(folderOf(recentWithoutMetadata))).toBe(true);
    expect(report.removed).not.toContain(recent);
    expect(report.removed).not.toContain(recentWithoutMetadata);
    // The report is kept on disk beside the configuration, and says what this run did.
    expect(report.reportFile.startsWith(path.join(harness.config.configDir, 'retention'))).toBe(true);
    const written = JSON.parse(await readFile(report.reportFile, 'utf8')) as RetentionReport;
    expect(written.removed).toEqual(report.removed);
    expect(written.retentionDays).toBe(7);
  });

  it('never removes a work order that is still open, however old its folder looks', async () => {
    const hold = gate();
    harness.model.setRules([createBranchRule('feat/still-open', { holdUntil: hold.promise })]);
    const repository = await harness.createRepository('retention-open');
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch'] });
    try {
      await waitFor(() => harness.model.sawText('# Create Branch'), 'the agent to be running');
      const open = handle.workflowId;
      await ageWorkOrder(folderOf(open), oldDays, 'running');

      const report = await runRetentionNow(harness.client, harness.workerHostId);

      expect(report.kept).toEqual(expect.arrayContaining([{ id: open, reason: 'work_order_open' }]));
      expect(report.removed).not.toContain(open);
      expect(existsSync(harness.sandboxPath(open))).toBe(true);
    } finally {
      hold.open();
    }
    expect(((await handle.result()) as AgentWorkOrder).status).toBe('completed');
  });

  it('keeps and reports an old sandbox whose commits or changes were never pushed, and removes one that holds nothing new', async () => {
    const repository = await harness.createRepository('retention-unpushed');
    const unpushed = await createTestSandbox(harness, { repositoryUrl: repository.htmlUrl });
    await commitOnBranch(harness, unpushed.sandboxPath, 'feat/unpushed', 'unpushed.txt');
    await ageWorkOrder(folderOf(unpushed.agentWorkOrderId), oldDays, 'failed');
    const pushed = await createTestSandbox(harness, { repositoryUrl: repository.htmlUrl });
    await commitOnBranch(harness, pushed.sandboxPath, 'feat/pushed', 'pushed.txt');
    await pushBranch(harness, pushed.sandboxPath, 'feat/pushed');
    await ageWorkOrder(folderOf(pushed.agentWorkOrderId), oldDays, 'failed');
    const dirtyClone = await createTestSandbox(harness, { repositoryUrl: repository.htmlUrl, sandboxType: 'git_branch' });
    await writeFile(path.join(dirtyClone.sandboxPath, 'notes.txt'), 'never committed\n');
    await ageWorkOrder(folderOf(dirtyClone.agentWorkOrderId), oldDays, 'failed');
    expect(await mirrorWorktrees(unpushed.mirrorPath!)).toEqual(expect.arrayContaining([unpushed.sandboxPath, pushed.sandboxPath]));

    const report = await runRetentionNow(harness.client, harness.workerHostId);

    expect(report.kept).toEqual(
      expect.arrayContaining([
        { id: unpushed.agentWorkOrderId, reason: 'unpushed_commits' },
        { id: dirtyClone.agentWorkOrderId, reason: 'uncommitted_changes' },
      ]),
    );
    expect(report.unpushed).toEqual(
      expect.arrayContaining([
        { id: unpushed.agentWorkOrderId, branch: 'feat/unpushed', commits: 1, uncommittedFiles: 0, sandboxPath: unpushed.sandboxPath },
        { id: dirtyClone.agentWorkOrderId, branch: 'main', commits: 0, uncommittedFiles: 1, sandboxPath: dirtyClone.sandboxPath },
      ]),
    );
    expect(existsSync(path.join(unpushed.sandboxPath, 'unpushed.txt'))).toBe(true);
    expect(existsSync(path.join(dirtyClone.sandboxPath, 'notes.txt'))).toBe(true);
    // The pushed work exists on the forge, so its sandbox went, through the mirror (no stale worktree entry left).
    expect(report.removed).toContain(pushed.agentWorkOrderId);
    expect(existsSync(folderOf(pushed.agentWorkOrderId))).toBe(false);
    expect(await mirrorWorktrees(unpushed.mirrorPath!)).toEqual([unpushed.sandboxPath]);
    expect(report.removedMirrors).not.toContain(unpushed.mirrorPath);
  });

  it('prunes a worktree whose work-order folder is gone, and removes a mirror no work order used within retention', async () => {
    const repository = await harness.createRepository('retention-orphan');
    const orphan = await createTestSandbox(harness, { repositoryUrl: repository.htmlUrl });
    const mirrorPath = orphan.mirrorPath!;
    await rm(folderOf(orphan.agentWorkOrderId), { recursive: true, force: true });
    expect(await mirrorWorktrees(mirrorPath)).toEqual([orphan.sandboxPath]);
    const idleRepository = await harness.createRepository('retention-idle');
    const idle = await createTestSandbox(harness, { repositoryUrl: idleRepository.htmlUrl });
    await rm(folderOf(idle.agentWorkOrderId), { recursive: true, force: true });
    await ageFiles(['FETCH_HEAD', 'worktrees', '.'].map((entry) => path.join(idle.mirrorPath!, entry)), oldDays);

    const report = await runRetentionNow(harness.client, harness.workerHostId);

    expect(report.prunedWorktrees).toEqual(expect.arrayContaining([`${mirrorPath}: ${orphan.sandboxPath}`, `${idle.mirrorPath}: ${idle.sandboxPath}`]));
    expect(await mirrorWorktrees(mirrorPath)).toEqual([]);
    // Fetched moments ago: a later work order on this repository will want it.
    expect(existsSync(mirrorPath)).toBe(true);
    expect(report.removedMirrors).not.toContain(mirrorPath);
    expect(report.removedMirrors).toContain(idle.mirrorPath);
    expect(existsSync(idle.mirrorPath!)).toBe(false);
  });

  it('removes the spare worktrees of a mirror no work order used within retention together with the mirror, and keeps those of a used one', async () => {
    const idleRepository = await harness.createRepository('retention-spares-idle');
    const idle = await createTestSandbox(harness, { repositoryUrl: idleRepository.htmlUrl, spareSandboxes: 2 });
    const usedRepository = await harness.createRepository('retention-spares-used');
    const used = await createTestSandbox(harness, { repositoryUrl: usedRepository.htmlUrl, spareSandboxes: 1 });
    const sparesOf = (mirrorPath: string) => path.join(harness.config.workOrderDir, '.spare-sandboxes', path.relative(harness.config.repositoryDir, mirrorPath));
    expect(await mirrorWorktrees(idle.mirrorPath!)).toHaveLength(3);
    expect(await mirrorWorktrees(used.mirrorPath!)).toHaveLength(2);
    await rm(folderOf(idle.agentWorkOrderId), { recursive: true, force: true });
    await rm(folderOf(used.agentWorkOrderId), { recursive: true, force: true });
    await ageFiles(['FETCH_HEAD', 'worktrees', '.'].map((entry) => path.join(idle.mirrorPath!, entry)), oldDays);

    const report = await runRetentionNow(harness.client, harness.workerHostId);

    expect(report.removedMirrors).toContain(idle.mirrorPath);
    expect(existsSync(idle.mirrorPath!)).toBe(false);
    expect(existsSync(sparesOf(idle.mirrorPath!))).toBe(false);
    expect(report.prunedWorktrees).toEqual(expect.arrayContaining([`${used.mirrorPath}: ${used.sandboxPath}`]));
    expect(report.prunedWorktrees.filter((entry) => entry.includes('.spare-sandboxes'))).toEqual([]);
    expect(report.removedMirrors).not.toContain(used.mirrorPath);
    const [usedSpare] = await mirrorWorktrees(used.mirrorPath!);
    expect(usedSpare!.startsWith(sparesOf(used.mirrorPath!))).toBe(true);
    expect(existsSync(path.join(usedSpare!, 'README.md'))).toBe(true);
  });
});
