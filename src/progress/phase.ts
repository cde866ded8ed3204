import type { GitEvidence } from '../git/git-evidence.js';
import type { StepName, WorkOrderPhase } from '../models/work-order.js';

export interface PhaseInput {
  /** The step that just ran (or is running). */
  step: StepName | null;
  evidence: Pick<GitEvidence, 'branchName' | 'commitCount' | 'uncommittedFiles'>;
  pullRequestUrl: string | null;
}

/**
 * The phase says how far the work has really got: it is read from git evidence, so an agent that claims to have
 * committed but did not stays in `implementing`.
 */
export function computePhase({ step, evidence, pullRequestUrl }: PhaseInput): WorkOrderPhase {
  if (pullRequestUrl) return 'pr_created';
  if (step === 'prp-review') return 'reviewing';
  if (evidence.commitCount > 0) return 'committed';
  if (evidence.uncommittedFiles > 0 || step === 'execute' || step === 'commit') return 'implementing';
  if (step === 'planning' || step === 'create-branch' || evidence.branchName) return 'planning';
  return 'setup';
}
