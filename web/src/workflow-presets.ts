import type { WorkOrderStep } from '../../client/index.js';

/** The steps in the order a work order runs them; a custom choice keeps this order. */
export const stepOrder: readonly WorkOrderStep[] = ['create-branch', 'planning', 'execute', 'commit', 'prp-review', 'create-pr'];

/** The server's presets (`workflow_type`), kept equal to src/models/work-order.ts by a unit test. */
export const workflowPresets = {
  agent_workflow_full: ['create-branch', 'planning', 'execute', 'commit', 'create-pr'],
  agent_workflow_plan: ['create-branch', 'planning', 'commit', 'create-pr'],
} as const satisfies Record<string, readonly WorkOrderStep[]>;

export const presetLabels: Record<keyof typeof workflowPresets, string> = {
  agent_workflow_full: 'Full: branch, plan, implement, commit, pull request',
  agent_workflow_plan: 'Plan: branch, plan, commit the plan, pull request',
};

export const sandboxOptions = [
  { value: 'git_worktree', label: 'Git worktree', note: 'an isolated worktree of a shared mirror (default)', enabled: true },
  { value: 'git_branch', label: 'Git branch', note: 'a full clone on its own branch', enabled: true },
  { value: 'e2b', label: 'E2B', note: 'not implemented', enabled: false },
  { value: 'dagger', label: 'Dagger', note: 'not implemented', enabled: false },
] as const;
