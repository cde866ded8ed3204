import { type Dirent, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, realpath, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { currentBranch } from '../src/git/git-evidence.js';
import { git, GitCommandError, gitOrNull } from '../src/git/git-runner.js';
import { agentWorkOrderIdSchema } from '../src/ids.js';
import type { Logger } from '../src/logger.js';
import type { SandboxManager } from '../src/sandbox/sandbox-manager.js';
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
}

/** Describes at most this many workflows at once: enough to be quick, few enough not to flood the server. */
const openCheckConcurrency = 8;

export function createRetentionActivities(deps: RetentionDeps) {
  const log = (level: 'info' | 'warn', event: string, fields: Record<string, unknown>) => deps.logger[level]({ event, ...fields }, event);

  return {
    /** The schedule carries the days in effect when the worker started; a setting changed since then wins. */
    async effectiveRetentionDays(input: { scheduledDays: number }): Promise<number> {
      return (await deps.retentionDays?.()) ?? input.scheduledDays;
    },

    /** Work-order folders whose last activity is before `cutoff` (the workflow's clock, so a replay sees one cutoff). */
    async scanExpiredWorkOrders(input: { cutoff: string }): Promise<ExpiredWorkOrder[]> {
      const cutoffMs = Date.parse(input.cutoff);
      const expired: ExpiredWorkOrder[] = [];
      for (const entry of await readdirOrEmpty(deps.workOrderDir)) {
        // Only folders named like work orders: anything else under the folder was put there by someone else.
        if (!entry.isDirectory() || !agentWorkOrderIdSchema.safeParse(entry.name).success) continue;
        const lastActivityMs = await lastActivityOf(path.join(deps.workOrderDir, entry.name));
        if (lastActivityMs < cutoffMs) expired.push({ agentWorkOrderId: entry.name, lastActivityAt: new Date(lastActivityMs).toISOString() });
      }
      return expired.sort((a, b) => a.lastActivityAt.localeCompare(b.lastActivityAt));
    },

    async findOpenWorkOrders(input: { agentWorkOrderIds: string[] }): Promise<{ open: string[] }> {
      const open: string[] = [];
      const queue = [...input.agentWorkOrderIds];
      const checkNext = async (): Promise<void> => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
          if (await deps.isWorkOrderOpen(id)) open.push(id);
        }
      };
      await Promise.all(Array.from({ length: openCheckConcurrency }, checkNext));
      for (const id of open) log('info', 'retention_work_order_kept', { agent_work_order_id: id, reason: 'work_order_open' });
      return { open: open.sort() };
    },

    /**
     * Removes one expired work order: its sandbox (when nothing in it would be lost) and its folder. Asks Temporal once
     * more right before deleting, because a closed workflow can be reset and run again under the same id.
     */
    async removeExpiredWorkOrder(input: { agentWorkOrderId: string }): Promise<WorkOrderRetentionOutcome> {
      const id = input.agentWorkOrderId;
      const kept = (reason: RetentionKeptReason, extra: { detail?: string; unpushed?: UnpushedWork } = {}): WorkOrderRetentionOutcome => {
        log('info', 'retention_work_order_kept', { agent_work_order_id: id, reason, detail: extra.detail ?? null });
        return { outcome: 'kept', id, reason, ...extra };
      };
      if (await deps.isWorkOrderOpen(id)) return kept('work_order_open');

      const sandboxPath = deps.sandboxes.sandboxPathFor(id);
      const sandboxExists = existsSync(sandboxPath);
      if (sandboxExists) {
        const inspection = await inspectSandbox(id, sandboxPath);
        if (inspection.kind === 'unreadable') return kept('sandbox_unreadable', { detail: inspection.detail });
        const { unpushed } = inspection;
        if (unpushed.commits > 0 || unpushed.uncommittedFiles > 0) {
          log('warn', 'retention_unpushed_work_found', {
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
      log('info', 'retention_work_order_removed', { agent_work_order_id: id, sandbox_removed: sandboxExists });
      return { outcome: 'removed', id, sandboxRemoved: sandboxExists };
    },

    /**
     * Drops worktree registrations whose checkout is gone, then removes mirrors with no worktree left that nobody
     * fetched since the cutoff. Each mirror is handled under the sandbox manager's lock, so a work order setting up its
     * worktree in the same process either finishes first (the mirror then has a worktree) or waits and finds no mirror.
     */
    async pruneRepositories(input: { cutoff: string }): Promise<RepositoryPruneResult> {
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
              log('info', 'retention_worktree_pruned', { mirror_path: mirrorPath, worktree_path: worktreePath });
            }
            if (after.length > 0 || lastUseMs >= cutoffMs) return;
            await rm(mirrorPath, { recursive: true, force: true });
            await removeEmptyParents(path.dirname(mirrorPath), deps.repositoryDir);
            result.removedMirrors.push(mirrorPath);
            log('info', 'retention_mirror_removed', { mirror_path: mirrorPath });
          });
        } catch (error) {
          // One damaged mirror must not stop the others from being pruned; the next run tries it again.
          log('warn', 'retention_mirror_prune_failed', { mirror_path: mirrorPath, error: String(error) });
        }
      }
      return result;
    },

    /** Writes the run's report as JSON and drops reports that are themselves past retention. */
    async recordRetentionReport(input: { report: RetentionReport }): Promise<{ reportFile: string }> {
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
      log('info', 'retention_report_recorded', {
        report_file: reportFile,
        removed: report.removed.length,
        kept: report.kept.length,
        unpushed: report.unpushed.length,
        pruned_worktrees: report.prunedWorktrees.length,
        removed_mirrors: report.removedMirrors.length,
      });
      return { reportFile };
    },
  };
}

type SandboxInspection = { kind: 'checkout'; mirrorPath: string | null; unpushed: UnpushedWork } | { kind: 'unreadable'; detail: string };

/** What deleting the sandbox would lose: commits no origin ref holds, and changes never committed. */
async function inspectSandbox(agentWorkOrderId: string, sandboxPath: string): Promise<SandboxInspection> {
  const cwd = sandboxPath;
  try {
    // Without this check, git would answer for a repository further up (e.g. an AWO_HOME inside a checkout).
    const top = await gitOrNull(['rev-parse', '--show-toplevel'], { cwd });
    if (top === null || (await realpath(top)) !== (await realpath(sandboxPath))) {
      return { kind: 'unreadable', detail: 'the sandbox folder is not a git checkout of its own' };
    }
    const gitDir = await git(['rev-parse', '--path-format=absolute', '--git-dir'], { cwd });
    const commonDir = await git(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd });
    const hasCommit = (await gitOrNull(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd })) !== null;
    const unpushedShas = hasCommit ? lines(await git(['rev-list', 'HEAD', '--not', '--remotes=origin'], { cwd })) : [];
    const branch = await currentBranch(cwd);
    const uncommitted = lines(await git(['status', '--porcelain'], { cwd }));
    return {
      kind: 'checkout',
      // A worktree's git dir lives inside its mirror; a clone's is its own.
      mirrorPath: path.resolve(gitDir) === path.resolve(commonDir) ? null : path.resolve(commonDir),
      unpushed: { id: agentWorkOrderId, branch, commits: unpushedShas.length, uncommittedFiles: uncommitted.length, sandboxPath },
    };
  } catch (error) {
    if (error instanceof GitCommandError) return { kind: 'unreadable', detail: error.message };
    throw error;
  }
}

/** metadata.json's updated_at (the final state cleanup saved), else the newest mtime of the folder and its log. */
async function lastActivityOf(folder: string): Promise<number> {
  try {
    const metadata = JSON.parse(await readFile(path.join(folder, 'metadata.json'), 'utf8')) as { updated_at?: unknown };
    const updatedAt = typeof metadata.updated_at === 'string' ? Date.parse(metadata.updated_at) : Number.NaN;
    if (Number.isFinite(updatedAt)) return updatedAt;
  } catch {
    // No metadata (the work order never reached cleanup) or a damaged file: the file times decide.
  }
  // Appending to logs.jsonl does not touch the folder's mtime, so the log's own mtime is read too.
  return Math.max(await mtimeOrZero(folder), await mtimeOrZero(path.join(folder, 'logs.jsonl')));
}

/** Mirrors sit at repositories/<host>/<owner>/<name>.git (see SandboxManager.mirrorPathFor). */
async function findMirrors(repositoryDir: string): Promise<string[]> {
  const mirrors: string[] = [];
  for (const host of await readdirOrEmpty(repositoryDir)) {
    if (!host.isDirectory()) continue;
    for (const owner of await readdirOrEmpty(path.join(repositoryDir, host.name))) {
      if (!owner.isDirectory()) continue;
      for (const name of await readdirOrEmpty(path.join(repositoryDir, host.name, owner.name))) {
        const mirrorPath = path.join(repositoryDir, host.name, owner.name, name.name);
        if (name.isDirectory() && name.name.endsWith('.git') && existsSync(path.join(mirrorPath, 'HEAD'))) mirrors.push(mirrorPath);
      }
    }
  }
  return mirrors.sort();
}

/** Linked worktrees registered in a bare mirror (the mirror itself is listed first, as `bare`). */
async function registeredWorktrees(mirrorPath: string): Promise<string[]> {
  const output = await git(['worktree', 'list', '--porcelain'], { cwd: mirrorPath });
  return output
    .split('\n\n')
    .map((block) => block.split('\n'))
    .filter((block) => !block.includes('bare'))
    .map((block) => block.find((line) => line.startsWith('worktree '))?.slice('worktree '.length))
    .filter((worktreePath): worktreePath is string => Boolean(worktreePath));
}

/** A fetch rewrites FETCH_HEAD and adding a worktree touches worktrees/: the newest of those is the last use. */
async function lastMirrorUse(mirrorPath: string): Promise<number> {
  const times = await Promise.all(['.', 'FETCH_HEAD', 'worktrees'].map((entry) => mtimeOrZero(path.join(mirrorPath, entry))));
  return Math.max(...times);
}

async function removeEmptyParents(folder: string, stopAt: string): Promise<void> {
  for (let current = folder; path.resolve(current) !== path.resolve(stopAt) && current.startsWith(stopAt); current = path.dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty: another repository of the same owner or host lives there
    }
  }
}

async function readdirOrEmpty(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function mtimeOrZero(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
