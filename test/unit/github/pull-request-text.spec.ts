import { pullRequestText } from '../../../src/github/pull-request-text.js';

describe('pullRequestText', () => {
  const base = { agentWorkOrderId: 'wo-0123abcd', userRequest: 'Add login\nwith details', githubIssueNumber: null, planOutput: null, commitSubjects: ['feat: add login'] };

  it('takes the title from the first commit and lists the commits', () => {
    const { title, body } = pullRequestText({ ...base, commitSubjects: ['fix: second', 'feat: first'] });
    expect(title).toBe('feat: first');
    expect(body).toContain('- fix: second\n- feat: first');
    expect(body).toContain('wo-0123abcd');
  });

  it('links the issue so merging closes it', () => {
    expect(pullRequestText({ ...base, githubIssueNumber: 42 }).body).toContain('Closes #42');
    expect(pullRequestText(base).body).not.toContain('Closes #');
  });

  it('falls back to the first line of the request and keeps titles short', () => {
    expect(pullRequestText({ ...base, commitSubjects: [] }).title).toBe('Add login');
    const long = pullRequestText({ ...base, commitSubjects: ['x'.repeat(200)] }).title;
    expect(long).toHaveLength(72);
    expect(long.endsWith('…')).toBe(true);
  });
});
