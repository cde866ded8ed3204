import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readGitEvidence, readGitEvidenceAndCommits } from '../../../src/git/git-evidence.js';

/** Evidence read from a real checkout: a clone whose `origin/main` is the base a work order starts from. */
describe('readGitEvidence', () => {
  let root: string;
  let sandbox: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: sandbox, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'awo-evidence-'));
    const origin = path.join(root, 'origin');
    execFileSync('git', ['init', '-q', '-b', 'main', origin]);
    execFileSync('git', ['-C', origin, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'initial']);
    sandbox = path.join(root, 'sandbox');
    execFileSync('git', ['clone', '-q', origin, sandbox]);
    git('checkout', '-q', '--detach', 'origin/main');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('sees nothing on a detached HEAD at the base', async () => {
    const evidence = await readGitEvidence(sandbox, 'origin/main');
    expect(evidence).toMatchObject({ branchName: null, commitCount: 0, filesChanged: 0, latestCommitMessage: null, uncommittedFiles: 0 });
    expect(evidence.headSha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('counts the branch, its commits, the files they changed and what is not committed yet', async () => {
    git('checkout', '-q', '-b', 'feat/evidence');
    await writeFile(path.join(sandbox, 'a.txt'), 'a\n');
    await writeFile(path.join(sandbox, 'b.txt'), 'b\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'feat: first');
    await writeFile(path.join(sandbox, 'a.txt'), 'a2\n');
    git('commit', '-q', '-am', 'feat: second change');
    await writeFile(path.join(sandbox, 'untracked.txt'), 'u\n');
    await writeFile(path.join(sandbox, 'b.txt'), 'b2\n');

    const evidence = await readGitEvidence(sandbox, 'origin/main');

    expect(evidence).toMatchObject({ branchName: 'feat/evidence', commitCount: 2, filesChanged: 2, latestCommitMessage: 'feat: second change', uncommittedFiles: 2 });
    expect(evidence.headSha).toBe(git('rev-parse', 'HEAD').toString().trim());
    // The pull request's commit list comes from the same read, newest first.
    // So does the commit they grow from on the base, which a push leaves out of its pack.
    const baseCommits = [git('rev-parse', 'origin/main').toString().trim()];
    await expect(readGitEvidenceAndCommits(sandbox, 'origin/main')).resolves.toEqual({ evidence, commitSubjects: ['feat: second change', 'feat: first'], baseCommits });
  });

  it('reads a branch with no commits yet as the branch with nothing on it', async () => {
    const empty = path.join(root, 'empty');
    execFileSync('git', ['init', '-q', '-b', 'trunk', empty]);
    const evidence = await readGitEvidence(empty, 'origin/trunk');
    expect(evidence).toMatchObject({ branchName: 'trunk', headSha: null, commitCount: 0, filesChanged: 0, latestCommitMessage: null });
  });
});
