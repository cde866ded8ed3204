/** A work-order folder whose last activity is older than the retention cutoff. */
export interface ExpiredWorkOrder {
  agentWorkOrderId: string;
  /** metadata.json's updated_at when there is one, else the newest mtime of the folder and its log. */
  lastActivityAt: string;
}

/** Why retention left a work order in place. */
export type RetentionKeptReason = 'work_order_open' | 'unpushed_commits' | 'uncommitted_changes' | 'sandbox_unreadable';

/** Work in a kept sandbox that exists nowhere else: the administrator decides what happens to it. */
export interface UnpushedWork {
  id: string;
  /** The checked-out branch; null on a detached HEAD. */
  branch: string | null;
  /** Commits reachable from HEAD that no `origin` remote-tracking ref contains. */
  commits: number;
  uncommittedFiles: number;
  sandboxPath: string;
}

export type WorkOrderRetentionOutcome =
  | { outcome: 'removed'; id: string; sandboxRemoved: boolean }
  | { outcome: 'kept'; id: string; reason: RetentionKeptReason; detail?: string; unpushed?: UnpushedWork };

export interface RepositoryPruneResult {
  /** Worktree registrations dropped from mirrors, as `<mirror path>: <worktree path>`. */
  prunedWorktrees: string[];
  removedMirrors: string[];
}

/** What one retention run removed and kept; returned by the workflow and written under config/retention/. */
export interface RetentionReport {
  startedAt: string;
  finishedAt: string;
  hostTaskQueue: string;
  retentionDays: number;
  /** Folders whose last activity is before this instant were candidates. */
  cutoff: string;
  removed: string[];
  kept: { id: string; reason: RetentionKeptReason; detail?: string }[];
  unpushed: UnpushedWork[];
  prunedWorktrees: string[];
  removedMirrors: string[];
  /** Work orders whose logs were removed from the log store (PostgreSQL; files go with their folder). */
  prunedLogs?: string[];
}
