import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { ActivityDeps } from '../../../activities/activity-deps.js';
import type { CreatePullRequestInput } from '../../../activities/activity-types.js';
import { createPullRequestActivity, pushWorkOrderBranch } from '../../../activities/create-pr.activity.js';
import { loadConfig } from '../../../src/config.js';
import { BranchPushes } from '../../../src/git/branch-pushes.js';
import { readGitEvidenceAndCommits } from '../../../src/git/git-evidence.js';
import { TurnEndReadings } from '../../../src/git/turn-end-readings.js';
import { createLogger } from '../../../src/logger.js';
import { createActivityDeps } from '../../../temporal/worker/activity-wiring.js';
import { startTestForge, type ForgeRepositoryHandle, type TestForge } from '../../fixtures/test-forge.js';
import { testToken } from '../../utils/work-order-harness.js';

/**
 * The push the step before create-pr starts as soon as its agent's turn ends (runAgent calls pushWorkOrderBranch with
 * the same BranchPushes), and what createPR makes of it: real git, the test forge over smart HTTP.
 */
describe('createPR after an early push of the branch', () => {
  let forge: TestForge;
  let home: string;
  let deps: ActivityDeps;
  let repository: ForgeRepositoryHandle;
  let sandboxPath: string;
  let workOrderNumber = 0;

  beforeAll(async () => {
    forge = await startTestForge({ token: testToken });
    home = await mkdtemp(path.join(os.tmpdir(), 'awo-early-push-'));
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWO_HOME: home, GITHUB_TOKEN: testToken, GITHUB_SERVER_URL: forge.url, GITHUB_API_URL: forge.apiUrl, LOG_LEVEL: 'silent' };
    deps = createActivityDeps(loadConfig(env), createLogger('silent'), 'host-queue', env);
  });

  afterAll(async () => {
    await forge.close();
    // The activities' log entries are stored within the writer's batch delay: not while the folder is removed.
    await deps.logs.flush();
    await rm(home, { recursive: true, force: true });
  });

  let agentWorkOrderId: string;
  beforeEach(async () => {
    workOrderNumber += 1;
    agentWorkOrderId = `wo-early${workOrderNumber}`;
    repository = await forge.createRepository({ owner: 'acme', name: `early-${workOrderNumber}`, files: { 'README.md': '# demo\n' } });
    sandboxPath = path.join(home, agentWorkOrderId, 'sandbox');
    await execa('git', ['clone', '--quiet', repository.cloneUrl, sandboxPath]);
    await sandboxGit('checkout', '--quiet', '-b', 'feat/early');
  });

  const sandboxGit = async (...args: string[]) =>
    (await execa('git', ['-c', 'user.name=Agent Test', '-c', 'user.email=agent@example.test', ...args], { cwd: sandboxPath })).stdout.trim();

  async function commit(file: string, message: string, ...flags: string[]): Promise<string> {
    await writeFile(path.join(sandboxPath, file), `${message}\n`);
    await sandboxGit('add', file);
    await sandboxGit('commit', '--quiet', ...flags, '-m', message);
    return sandboxGit('rev-parse', 'HEAD');
  }

  const input = (): CreatePullRequestInput => ({
    agentWorkOrderId,
    repositoryUrl: repository.htmlUrl,
    sandboxPath,
    baseBranch: 'main',
    baseRef: 'origin/main',
    branchName: 'feat/early',
    userRequest: 'Add a note',
    githubIssueNumber: null,
    planOutput: null,
  });

  /** What runAgent starts when its turn's result arrives, with the token it reads (here: given). */
  function pushEarly(pushes: BranchPushes, tip: string, token = testToken): Promise<boolean> {
    return pushWorkOrderBranch(deps, pushes, {
      agentWorkOrderId,
      sandboxPath,
      branchName: 'feat/early',
      tip,
      access: async () => ({ cloneUrl: repository.cloneUrl, token, objectStore: path.join(sandboxPath, '.git', 'objects') }),
    });
  }

  const pushCount = () => forge.pushCount('acme', repository.name);

  it('opens the pull request on the pushed commit without pushing again', async () => {
    const tip = await commit('note.md', 'Add a note');
    const pushes = new BranchPushes();
    const early = pushEarly(pushes, tip);

    // createPR starts while the early push may still run: it waits for it instead of pushing.
    const result = await createPullRequestActivity(deps, pushes).createPR(input());

    await expect(early).resolves.toBe(true);
    expect(pushCount()).toBe(1);
    expect(result).toMatchObject({ branchName: 'feat/early', created: true });
    expect(forge.pullRequests('acme', repository.name).map((pull) => pull.headSha)).toEqual([tip]);
  });

  it('opens the pull request on what the step read at its turn\'s end, running no git in the sandbox', async () => {
    const tip = await commit('note.md', 'Add a note');
    const pushes = new BranchPushes();
    const readings = new TurnEndReadings();
    // What runAgent keeps when its turn ends cleanly: the same reading its early push pushes.
    readings.keep(agentWorkOrderId, await readGitEvidenceAndCommits(sandboxPath, 'origin/main'));
    await pushEarly(pushes, tip);
    // Git can no longer answer in the sandbox: createPR needs none of it.
    await rename(path.join(sandboxPath, '.git'), path.join(sandboxPath, '.git-moved'));

    const result = await createPullRequestActivity(deps, pushes, readings).createPR({ ...input(), observe: true });

    expect(result).toMatchObject({ branchName: 'feat/early', created: true });
    expect(result.observation?.evidence).toMatchObject({ branchName: 'feat/early', headSha: tip, commitCount: 1 });
    expect(pushCount()).toBe(1);
    expect(forge.pullRequests('acme', repository.name)).toEqual([expect.objectContaining({ headSha: tip, title: 'Add a note' })]);
    // Taken: a retry reads the sandbox again (here it cannot, so it fails instead of trusting the reading twice).
    await expect(createPullRequestActivity(deps, pushes, readings).createPR(input())).rejects.toThrow();
  });

  it('pushes a commit amended after the early push, replacing the pushed one', async () => {
    const first = await commit('note.md', 'Add a note');
    const pushes = new BranchPushes();
    await pushEarly(pushes, first);
    expect(await forge.branchSha('acme', repository.name, 'feat/early')).toBe(first);

    const amended = await commit('note.md', 'Add a better note', '--amend');
    await createPullRequestActivity(deps, pushes).createPR(input());

    expect(amended).not.toBe(first);
    expect(pushCount()).toBe(2);
    expect(await forge.branchSha('acme', repository.name, 'feat/early')).toBe(amended);
    expect(forge.pullRequests('acme', repository.name).map((pull) => pull.headSha)).toEqual([amended]);
  });

  it('pushes itself when the early push failed, and the pull request gets the commit', async () => {
    const tip = await commit('note.md', 'Add a note');
    const pushes = new BranchPushes();
    await expect(pushEarly(pushes, tip, 'ghp_refusedByTheForge000000000000000')).rejects.toThrow(/git push failed/);
    expect(await forge.branchSha('acme', repository.name, 'feat/early')).toBeUndefined();

    const result = await createPullRequestActivity(deps, pushes).createPR(input());

    expect(result.created).toBe(true);
    expect(await forge.branchSha('acme', repository.name, 'feat/early')).toBe(tip);
    expect(forge.pullRequests('acme', repository.name).map((pull) => pull.headSha)).toEqual([tip]);
  });

  it('fails with the push\'s error when its own push fails', async () => {
    const tip = await commit('note.md', 'Add a note');
    const pushes = new BranchPushes();
    await expect(pushEarly(pushes, tip, 'ghp_refusedByTheForge000000000000000')).rejects.toThrow(/git push failed/);
    const refusingDeps: ActivityDeps = { ...deps, githubToken: () => 'ghp_refusedByTheForge000000000000000' };

    await expect(createPullRequestActivity(refusingDeps, pushes).createPR(input())).rejects.toThrow(/git push failed/);
    expect(await forge.branchSha('acme', repository.name, 'feat/early')).toBeUndefined();
    expect(forge.pullRequests('acme', repository.name)).toEqual([]);
  });

  it('pushes again after a restart (nothing in memory) and on a retry, opening one pull request', async () => {
    const tip = await commit('note.md', 'Add a note');
    await pushEarly(new BranchPushes(), tip);

    const restarted = new BranchPushes();
    const first = await createPullRequestActivity(deps, restarted).createPR(input());
    const retried = await createPullRequestActivity(deps, restarted).createPR(input());

    expect(first.created).toBe(true);
    expect(retried).toMatchObject({ created: false, pullRequestNumber: first.pullRequestNumber });
    // The restarted worker pushes (the forge has the tip already); its retry knows the push and makes none.
    expect(pushCount()).toBe(2);
    expect(forge.pullRequests('acme', repository.name).map((pull) => pull.headSha)).toEqual([tip]);
  });
});
