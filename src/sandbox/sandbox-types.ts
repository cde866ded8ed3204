import type { SandboxType } from '../models/work-order.js';

export interface SandboxRequest {
  agentWorkOrderId: string;
  sandboxType: SandboxType;
  /** Credential-free clone URL (token travels in the environment only). */
  cloneUrl: string;
  owner: string;
  name: string;
  host: string;
}

export interface Sandbox {
  sandboxPath: string;
  /** The repository's real default branch, as the server reports it. */
  baseBranch: string;
  /** Remote-tracking ref of the base branch inside the sandbox, for counting this work order's commits. */
  baseRef: string;
  /** The mirror a worktree hangs off; null for a plain clone. */
  mirrorPath: string | null;
  /** True when an existing sandbox was found and kept (a retried setup after a crash). */
  reused: boolean;
  /** What happened to the mirror: created by a first clone, or brought up to date; null for a plain clone. */
  mirrorAction: 'cloned' | 'fetched' | null;
}

export class SandboxNotImplementedError extends Error {
  constructor(readonly sandboxType: string) {
    super(`sandbox_type "${sandboxType}" is not implemented; use git_worktree or git_branch`);
  }
}
