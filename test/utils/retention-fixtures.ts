import { existsSync } from 'node:fs';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { gitAuthEnv } from '../../src/git/git-auth.js';
import { git } from '../../src/git/git-runner.js';
import { parseRepositoryUrl } from '../../src/github/repository-url.js';
import { newAgentWorkOrderId } from '../../src/ids.js';
import { createLogger } from '../../src/logger.js';
import type { SandboxType } from '../../src/models/work-order.js';
import { SandboxManager } from '../../src/sandbox/sandbox-manager.js';
import type { Sandbox } from '../../src/sandbox/sandbox-types.js';
import { triggerRetention } from '../../temporal/client/retention-schedules.js';
import type { RetentionCleanupResult } from '../../workflows/retention.workflow.js';
import { testToken, type WorkOrderHarness } from './work-order-harness.js';

const dayMs = 24 * 60 * 60 * 1000;

/** Triggers the host's retention Schedule, as the Web UI and the API do, and waits for that run's report. */
export async function runRetentionNow(client: Client, hostId: string): Promise<RetentionCleanupResult> {
  const { scheduleId, workflowId } = await triggerRetention(client, hostId, 60_000);
  if (!workflowId) {
    const { info } = await client.schedule.getHandle(scheduleId).describe();
    throw new Error(`the retention schedule ${scheduleId} did not start a run: ${JSON.stringify(info)}`);
  }
  return client.workflow.getHandle(workflowId).result() as Promise<RetentionCleanupResult>;
}

/** Makes a work-order folder look finished `days` ago: metadata.json as cleanup writes it, with an old updated_at. */
export async function ageWorkOrder(folder: string, days: number, status = 'completed'): Promise<void> {
  const file = path.join(folder, 'metadata.json');
  const existing = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>) : {};
  await mkdir(folder, { recursive: true });
  await writeFile(file, `${JSON.stringify({ status, ...existing, updated_at: new Date(Date.now() - days * dayMs).toISOString() }, null, 2)}\n`);
}

/** Sets access and modification times `days` back, for what retention ages by mtime (folders without metadata, mirrors). */
export async function ageFiles(files: string[], days: number): Promise<void> {
  const when = new Date(Date.now() - days * dayMs);
  for (const file of files) if (existsSync(file)) await utimes(file, when, when);
}

/** A sandbox made by the service's own SandboxManager, as setupSandbox makes it, without running a work order. */
export async function createTestSandbox(
  harness: WorkOrderHarness,
  options: { repositoryUrl: string; sandboxType?: SandboxType; agentWorkOrderId?: string; spareSandboxes?: number },
): Promise<Sandbox & { agentWorkOrderId: string }> {
  const agentWorkOrderId = options.agentWorkOrderId ?? newAgentWorkOrderId();
  const repository = parseRepositoryUrl(options.repositoryUrl, harness.forge.url);
  const manager = new SandboxManager({
    repositoryDir: harness.config.repositoryDir,
    workOrderDir: harness.config.workOrderDir,
    logger: createLogger('warn'),
    spareSandboxes: options.spareSandboxes,
  });
  const sandbox = await manager.create(
    {
      agentWorkOrderId,
      sandboxType: options.sandboxType ?? 'git_worktree',
      cloneUrl: repository.cloneUrl,
      owner: repository.owner,
      name: repository.name,
      host: new URL(repository.cloneUrl).host.replace(/[^\w.-]/g, '_'),
    },
    forgeAuthEnv(harness),
  );
  await manager.settled();
  return { ...sandbox, agentWorkOrderId };
}

/** Creates `branch` in the sandbox and commits one file on it, as an agent would. */
export async function commitOnBranch(harness: WorkOrderHarness, sandboxPath: string, branch: string, file: string): Promise<void> {
  const env = authorEnv(harness);
  await git(['checkout', '--quiet', '-b', branch], { cwd: sandboxPath, env });
  await writeFile(path.join(sandboxPath, file), `${file}\n`);
  await git(['add', '--all'], { cwd: sandboxPath, env });
  await git(['commit', '--quiet', '-m', `add ${file}`], { cwd: sandboxPath, env });
}

export async function pushBranch(harness: WorkOrderHarness, sandboxPath: string, branch: string): Promise<void> {
  await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: sandboxPath, env: forgeAuthEnv(harness) });
}

/** Linked worktrees a mirror has registered (what `git worktree prune` drops when their folder is gone). */
export async function mirrorWorktrees(mirrorPath: string): Promise<string[]> {
  const output = await git(['worktree', 'list', '--porcelain'], { cwd: mirrorPath });
  return output
    .split('\n\n')
    .filter((block) => !block.split('\n').includes('bare'))
    .map((block) => block.split('\n')[0]!.replace(/^worktree /, ''))
    .filter(Boolean);
}

function forgeAuthEnv(harness: WorkOrderHarness): Record<string, string> {
  return gitAuthEnv(testToken, { scopeUrl: harness.forge.url });
}

function authorEnv(harness: WorkOrderHarness): Record<string, string> {
  const { GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL } = harness.env;
  return { GIT_AUTHOR_NAME: GIT_AUTHOR_NAME!, GIT_AUTHOR_EMAIL: GIT_AUTHOR_EMAIL!, GIT_COMMITTER_NAME: GIT_COMMITTER_NAME!, GIT_COMMITTER_EMAIL: GIT_COMMITTER_EMAIL! };
}
