import { computePhase } from '../../../src/progress/phase.js';

const clean = { branchName: null, commitCount: 0, uncommittedFiles: 0 };

describe('computePhase', () => {
  it('is setup before any step ran and nothing changed', () => {
    expect(computePhase({ step: null, evidence: clean, pullRequestUrl: null })).toBe('setup');
  });

  it('is planning once a branch exists', () => {
    expect(computePhase({ step: 'create-branch', evidence: { ...clean, branchName: 'feat/x' }, pullRequestUrl: null })).toBe('planning');
  });

  it('stays implementing when the commit step made no commit (git wins over the agent)', () => {
    expect(computePhase({ step: 'commit', evidence: { ...clean, branchName: 'feat/x', uncommittedFiles: 2 }, pullRequestUrl: null })).toBe('implementing');
  });

  it('is committed once commits exist on top of the base branch', () => {
    expect(computePhase({ step: 'execute', evidence: { ...clean, commitCount: 1 }, pullRequestUrl: null })).toBe('committed');
  });

  it('is reviewing during prp-review and pr_created once the pull request exists', () => {
    expect(computePhase({ step: 'prp-review', evidence: { ...clean, commitCount: 1 }, pullRequestUrl: null })).toBe('reviewing');
    expect(computePhase({ step: 'prp-review', evidence: { ...clean, commitCount: 1 }, pullRequestUrl: 'https://x/pull/1' })).toBe('pr_created');
  });
});
