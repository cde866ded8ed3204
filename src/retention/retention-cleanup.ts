import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../git/git-runner.js';
import { agentWorkOrderIdSchema } from '../ids.js';
import type { Logger } from '../logger.js';
import type { WorkOrderLogStore } from '../logs/work-order-log-store.js';
import type { SandboxManager } from '../sandbox/sandbox-manager.js';
import {
  findMirrors,
  inspectSandbox,
  lastActivityOf,
  lastMirrorUse,
  mtimeOrZero,
  readdirOrEmpty,
  registeredWorktrees,
  removeEmptyParents,
} from './retention-files.js';
import type {
  ExpiredWorkOrder,
  RepositoryPruneResult,
  RetentionKeptReason,
  RetentionReport,
  UnpushedWork,
  WorkOrderRetentionOutcome,
} from './retention-types.js';

/** What retention needs from the world; the worker wires the host's real folders and its Temporal client. */
export interface RetentionDeps {
  logger: Logger;
  /** The same manager the work-order activities use, so its mirror lock covers both. */
  sandboxes: SandboxManager;
  workOrderDir: string;
  repositoryDir: string;
  /** Where each run's report is written (config/retention). */
  reportDir: string;
  /** True while the work order's workflow runs; false once it closed or when Temporal never heard of it. */
  isWorkOrderOpen(agentWorkOrderId: string): Promise<boolean>;
  /** The retention days in effect now (a stored setting may have changed since the schedule was written). */
  retentionDays?: () => Promise<number>;
  /** The work-order log store (files or PostgreSQL), opened on first use. */
  logStore: () => Promise<WorkOrderLogStore>;
}

/** Describes at most this many workflows at once: enough to be quick, few enough not to flood the server. */
const openCheckConcurrency = 8;

function log(deps: Pick<RetentionDeps, 'logger'>, level: 'info' | 'warn', event: string, fields: Record<string, unknown>): void {
  deps.logger[level]({ event, ...fields }, event);
}

/** Work-order folders whose last activity is before `cutoff` (the workflow's clock, so a replay sees one cutoff). */
export async function scanExpiredWorkOrders(deps: RetentionDeps, input: { cutoff: string }): Promise<ExpiredWorkOrder[]> {
  const cutoffMs = Date.parse(input.cutoff);
  const expired: ExpiredWorkOrder[] = [];
  for (const entry of await readdirOrEmpty(deps.workOrderDir)) {
    // Only folders named like work orders: anything else under the folder was put there by someone else.
    if (!entry.isDirectory() || !agentWorkOrderIdSchema.safeParse(entry.name).success) continue;
    const lastActivityMs = await lastActivityOf(path.join(deps.workOrderDir, entry.name));
    if (lastActivityMs < cutoffMs) expired.push({ agentWorkOrderId: entry.name, lastActivityAt: new Date(lastActivityMs).toISOString() });
  }
  return expired.sort((a, b) => a.lastActivityAt.localeCompare(b.lastActivityAt));
}

export async function findOpenWorkOrders(deps: RetentionDeps, input: { agentWorkOrderIds: string[] }): Promise<{ open: string[] }> {
  const open: string[] = [];
  const queue = [...input.agentWorkOrderIds];
  const checkNext = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      if (await deps.isWorkOrderOpen(id)) open.push(id);
    }
  };
  await Promise.all(Array.from({ length: openCheckConcurrency }, checkNext));
  for (const id of open) log(deps, 'info', 'retention_work_order_kept', { agent_work_order_id: id, reason: 'work_order_open' });
  return { open: open.sort() };
}

/**
 * Removes one expired work order: its sandbox (when nothing in it would be lost) and its folder. Asks Temporal once
 * more right before deleting, because a closed workflow can be reset and run again under the same id.
 */
export async function removeExpiredWorkOrder(deps: RetentionDeps, input: { agentWorkOrderId: string }): Promise<WorkOrderRetentionOutcome> {
  const id = input.agentWorkOrderId;
  const kept = (reason: RetentionKeptReason, extra: { detail?: string; unpushed?: UnpushedWork } = {}): WorkOrderRetentionOutcome => {
    log(deps, 'info', 'retention_work_order_kept', { agent_work_order_id: id, reason, detail: extra.detail ?? null });
    return { outcome: 'kept', id, reason, ...extra };
  };
  if (await deps.isWorkOrderOpen(id)) return kept('work_order_open');

  const sandboxPath = deps.sandboxes.sandboxPathFor(id);
  const sandboxExists = existsSync(sandboxPath);
  if (sandboxExists) {
    const inspection = await inspectSandbox(id, sandboxPath, deps.sandboxes.agentGit);
    if (inspection.kind === 'unreadable') return kept('sandbox_unreadable', { detail: inspection.detail });
    const { unpushed } = inspection;
    if (unpushed.commits > 0 || unpushed.uncommittedFiles > 0) {
      log(deps, 'warn', 'retention_unpushed_work_found', {
        agent_work_order_id: id,
        branch: unpushed.branch,
        commits: unpushed.commits,
        uncommitted_files: unpushed.uncommittedFiles,
        sandbox_path: sandboxPath,
      });
      return kept(unpushed.commits > 0 ? 'unpushed_commits' : 'uncommitted_changes', { unpushed });
    }
    await deps.sandboxes.remove(id, inspection.mirrorPath);
  }
  await rm(path.join(deps.workOrderDir, id), { recursive: true, force: true });
  log(deps, 'info', 'retention_work_order_removed', { agent_work_order_id: id, sandbox_removed: sandboxExists });
  return { outcome: 'removed', id, sandboxRemoved: sandboxExists };
}

/**
 * Drops worktree registrations whose checkout is gone, then removes mirrors with no worktree left but spares (removed
 * with them) that nobody fetched since the cutoff. Each mirror is handled under the sandbox manager's lock, so a work order setting up its
 * worktree in the same process either finishes first (the mirror then has a worktree) or waits and finds no mirror.
 */
export async function pruneRepositories(deps: RetentionDeps, input: { cutoff: string }): Promise<RepositoryPruneResult> {
  const cutoffMs = Date.parse(input.cutoff);
  const result: RepositoryPruneResult = { prunedWorktrees: [], removedMirrors: [] };
  for (const mirrorPath of await findMirrors(deps.repositoryDir)) {
    try {
      await deps.sandboxes.withMirrorLock(mirrorPath, async () => {
        // Read before pruning: the prune itself rewrites worktrees/ and would make every mirror look just used.
        const lastUseMs = await lastMirrorUse(mirrorPath);
        const before = await registeredWorktrees(mirrorPath);
        await git(['worktree', 'prune'], { cwd: mirrorPath });
        const after = await registeredWorktrees(mirrorPath);
        for (const worktreePath of before.filter((registered) => !after.includes(registered))) {
          result.prunedWorktrees.push(`${mirrorPath}: ${worktreePath}`);
          log(deps, 'info', 'retention_worktree_pruned', { mirror_path: mirrorPath, worktree_path: worktreePath });
        }
        // Spares are the mirror's own stock, not work: a mirror with only spares left is unused.
        if (after.some((worktreePath) => !deps.sandboxes.isSpare(worktreePath)) || lastUseMs >= cutoffMs) return;
        await deps.sandboxes.removeSpares(mirrorPath);
        await rm(mirrorPath, { recursive: true, force: true });
        await removeEmptyParents(path.dirname(mirrorPath), deps.repositoryDir);
        result.removedMirrors.push(mirrorPath);
        log(deps, 'info', 'retention_mirror_removed', { mirror_path: mirrorPath });
      });
    } catch (error) {
      // One damaged mirror must not stop the others from being pruned; the next run tries it again.
      log(deps, 'warn', 'retention_mirror_prune_failed', { mirror_path: mirrorPath, error: String(error) });
    }
  }
  return result;
}

/** Writes the run's report as JSON and drops reports that are themselves past retention. */
export async function recordRetentionReport(deps: RetentionDeps, input: { report: RetentionReport }): Promise<{ reportFile: string }> {
  const { report } = input;
  await mkdir(deps.reportDir, { recursive: true, mode: 0o700 });
  // Named by time and host: hosts that share a config volume (compose) keep their reports apart.
  const reportFile = path.join(deps.reportDir, `${report.startedAt.replace(/[:.]/g, '-')}_${report.hostTaskQueue}.json`);
  await writeFile(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  const cutoffMs = Date.parse(report.cutoff);
  for (const entry of await readdirOrEmpty(deps.reportDir)) {
    const file = path.join(deps.reportDir, entry.name);
    if (entry.isFile() && entry.name.endsWith('.json') && file !== reportFile && (await mtimeOrZero(file)) < cutoffMs) await rm(file, { force: true });
  }
  log(deps, 'info', 'retention_report_recorded', {
    report_file: reportFile,
    removed: report.removed.length,
    kept: report.kept.length,
    unpushed: report.unpushed.length,
    pruned_worktrees: report.prunedWorktrees.length,
    removed_mirrors: report.removedMirrors.length,
  });
  return { reportFile };
}
