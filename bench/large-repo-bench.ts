/**
 * `npm run bench:large-repo` (not part of `npm run bench`: generating and cloning takes minutes on two cores): sandbox
 * setup on a large repository. Generates one locally with `git fast-import` (BENCH_LARGE_COMMITS commits, default
 * 10,000, of random text adding up to BENCH_LARGE_MB, default 140 MB before compression), serves it from the test
 * forge over smart HTTP, and prints a cold `git clone` of it against the sandbox manager's setup, per sandbox type:
 * the first one (the mirror is cloned) and warm ones (the mirror is only fetched). Targets: warm <= 5 % of the cold clone
 * and <= 1 s. As root, the sandboxes are handed to the agent user like the worker does. Printed, never asserted.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { git } from '../src/git/git-runner.js';
import { createLogger } from '../src/logger.js';
import { prepareAgentIdentity } from '../src/agent/agent-identity.js';
import type { SandboxType } from '../src/models/work-order.js';
import { SandboxManager } from '../src/sandbox/sandbox-manager.js';
import { startTestForge } from '../test/fixtures/test-forge.js';
import { median } from './bench-helpers.js';

const commits = Number(process.env.BENCH_LARGE_COMMITS ?? 10_000);
const megabytes = Number(process.env.BENCH_LARGE_MB ?? 140);
const warmRuns = Number(process.env.BENCH_LARGE_WARM ?? 5);
const coldRuns = Number(process.env.BENCH_LARGE_COLD ?? 3);
const fileCount = 1_000;

async function main(): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'awo-large-repo-'));
  // As root the agent user must be able to enter the home below it, as with a real AWO_HOME.
  await chmod(scratch, 0o711);
  const forge = await startTestForge({ token: 'ghp_benchlargerepo0123456789abcdef' });
  try {
    const repository = await forge.createRepository({ owner: 'bench', name: 'large', files: {} });
    const generatedAt = performance.now();
    await generateRepository(repository.bareDir);
    const sizePack = /size-pack: (.+)/.exec(await git(['count-objects', '-vH'], { cwd: repository.bareDir }))?.[1];
    console.log(`\nlarge repository: ${commits} commits, ${fileCount} files, pack ${sizePack} (generated in ${seconds(performance.now() - generatedAt)})`);

    // The denominator is what a user would otherwise run: a plain `git clone` of the same URL (median of n). It is
    // split into the clone without a checkout (transfer, index-pack) and the checkout of the tip alone.
    const cold = median(await timeRuns(coldRuns, (run) => git(['clone', '--quiet', '--no-tags', repository.cloneUrl, path.join(scratch, `cold-clone-${run}`)], { cwd: scratch })));
    const noCheckout = median(
      await timeRuns(coldRuns, (run) => git(['clone', '--quiet', '--no-tags', '--no-checkout', repository.cloneUrl, path.join(scratch, `bare-clone-${run}`)], { cwd: scratch })),
    );
    const checkoutOnly = median(
      await timeRuns(coldRuns, async (run) => {
        await mkdir(path.join(scratch, `checkout-only-${run}`));
        await git(['--work-tree', path.join(scratch, `checkout-only-${run}`), 'checkout', '--force', 'HEAD', '--', '.'], { cwd: path.join(scratch, 'cold-clone-0') });
      }),
    );
    console.log(`cold git clone over HTTP: median ${seconds(cold)} (n=${coldRuns}), 5 % of it: ${seconds(cold * 0.05)}`);
    console.log(`  of which the clone without a checkout (transfer, index-pack): ${seconds(noCheckout)}`);
    console.log(`  of which checking out the tip's ${fileCount} files (${megabytesOfTip(commits, megabytes)} MB) alone: ${seconds(checkoutOnly)}`);

    const home = path.join(scratch, 'home');
    const repositoryDir = path.join(home, 'repositories');
    const workOrderDir = path.join(home, 'work-orders');
    const logger = createLogger('silent');
    const identity = await prepareAgentIdentity({ AWO_HOME: home, repositoryDir, workOrderDir }, logger);
    const agentOwner = identity.isolated ? { uid: identity.uid, gid: identity.gid, home: identity.home } : undefined;
    console.log(identity.isolated ? `sandboxes handed to the agent user ${identity.user}, as the worker does as root` : `sandboxes stay the worker's (${identity.reason})`);
    // One manager with a spare sandbox per mirror and type (the worker's default), one without: the same mirror, in turn.
    const sandboxes = new SandboxManager({ repositoryDir, workOrderDir, logger, agentOwner, spareSandboxes: 1 });
    const withoutSpares = new SandboxManager({ repositoryDir, workOrderDir, logger, agentOwner });
    const url = new URL(repository.cloneUrl);
    let next = 0;
    const setUp = async (manager: SandboxManager, sandboxType: SandboxType) => {
      const agentWorkOrderId = `wo-${(next++).toString(16).padStart(8, '0')}`;
      const startedAt = performance.now();
      await manager.create({ agentWorkOrderId, sandboxType, cloneUrl: repository.cloneUrl, owner: 'bench', name: 'large', host: url.host }, {});
      const took = performance.now() - startedAt;
      // Work orders rarely come within a checkout's time of each other; when they do, they wait for the spare instead.
      await manager.settled();
      return took;
    };
    const share = (ms: number) => `${((ms / cold) * 100).toFixed(1)} % of the cold clone`;
    const first = await setUp(sandboxes, 'git_worktree');
    console.log(`git_worktree first sandbox (the mirror is cloned): ${seconds(first)} = ${share(first)}`);
    const fromSpare = median(await repeat(warmRuns, () => setUp(sandboxes, 'git_worktree')));
    console.log(`git_worktree warm sandbox from a spare: median ${seconds(fromSpare)} (n=${warmRuns}) = ${share(fromSpare)} (targets: <= 5 %, <= 1 s)`);
    const added = median(await repeat(warmRuns, () => setUp(withoutSpares, 'git_worktree')));
    console.log(`git_worktree warm sandbox without a spare (worktree add): median ${seconds(added)} (n=${warmRuns}) = ${share(added)}`);
    const branchFirst = await setUp(sandboxes, 'git_branch');
    console.log(`git_branch   first sandbox (no spare yet): ${seconds(branchFirst)} = ${share(branchFirst)}`);
    const branchFromSpare = median(await repeat(warmRuns, () => setUp(sandboxes, 'git_branch')));
    console.log(`git_branch   warm sandbox from a spare: median ${seconds(branchFromSpare)} (n=${warmRuns}) = ${share(branchFromSpare)} (targets: <= 5 %, <= 1 s)`);
    // Each work order pushes a branch: the next clone spare must take the remote's branches as they are now.
    const branchAfterPush = median(
      await repeat(warmRuns, async (run) => {
        await git(['update-ref', `refs/heads/pushed-${run}`, 'refs/heads/main'], { cwd: repository.bareDir });
        return setUp(sandboxes, 'git_branch');
      }),
    );
    console.log(`git_branch   warm sandbox from a spare, a branch pushed since: median ${seconds(branchAfterPush)} (n=${warmRuns}) = ${share(branchAfterPush)}`);
    const branchCloned = median(await repeat(warmRuns, () => setUp(withoutSpares, 'git_branch')));
    console.log(`git_branch   warm sandbox without a spare (linked and checked out): median ${seconds(branchCloned)} (n=${warmRuns}) = ${share(branchCloned)}`);
  } finally {
    await forge.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * One branch, `commits` commits each rewriting one of `fileCount` files with fresh random text: the history carries
 * `megabytes` of content that neither deltas nor zlib shrink much, and the checkout stays small like a real project's.
 */
async function generateRepository(bareDir: string): Promise<void> {
  const importer = spawn('git', ['fast-import', '--quiet', '--force'], { cwd: bareDir, stdio: ['pipe', 'inherit', 'inherit'] });
  const bytesPerCommit = Math.floor((megabytes * 2 ** 20) / commits / 4) * 3;
  const write = async (chunk: string | Buffer) => {
    if (!importer.stdin.write(chunk)) await once(importer.stdin, 'drain');
  };
  const epoch = 1_700_000_000;
  for (let index = 0; index < commits; index += 1) {
    const content = Buffer.from(`${randomBytes(bytesPerCommit).toString('base64').replace(/(.{76})/g, '$1\n')}\n`);
    const message = `Change ${index + 1}\n`;
    await write(`commit refs/heads/main\ncommitter Bench <bench@example.test> ${epoch + index * 60} +0000\ndata ${Buffer.byteLength(message)}\n${message}`);
    const file = `src/module-${index % 50}/file-${index % fileCount}.txt`;
    await write(`M 100644 inline ${file}\ndata ${content.length}\n`);
    await write(content);
    await write('\n');
  }
  importer.stdin.end();
  const [code] = (await once(importer, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`git fast-import exited with ${code}`);
  await git(['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: bareDir });
}

function megabytesOfTip(commitCount: number, historyMegabytes: number): string {
  return ((historyMegabytes * Math.min(commitCount, fileCount)) / commitCount).toFixed(1);
}

function timeRuns(runs: number, work: (run: number) => Promise<unknown>): Promise<number[]> {
  return repeat(runs, async (run) => {
    const startedAt = performance.now();
    await work(run);
    return performance.now() - startedAt;
  });
}

async function repeat(runs: number, measure: (run: number) => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  for (let run = 0; run < runs; run += 1) results.push(await measure(run));
  return results;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

main().catch((error: unknown) => {
  console.error(`large repository bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
