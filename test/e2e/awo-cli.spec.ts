import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../src/config.js';
import { createBranchRule, gate, happyPathRules, planningRule } from '../utils/scripted-steps.js';
import { waitFor, WorkOrderHarness } from '../utils/work-order-harness.js';
import { freePort, type ServiceProcess, spawnService } from './service-process.js';

const awoPath = path.join(projectRoot, 'dist', 'cli', 'main.js');

/** `awo` as a user runs it: the built bin, against the started service (real Temporal, Claude CLI, forge). */
describe('awo command line client, end to end', () => {
  const harness = new WorkOrderHarness({ inProcessWorker: false });
  let service: ServiceProcess;

  const awo = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    execa(process.execPath, [awoPath, ...args], { env: { PATH: process.env.PATH, AWO_URL: service.url, ...env }, extendEnv: false, reject: false, timeout: 180_000 });

  beforeAll(async () => {
    await harness.start();
    service = await spawnService(harness, 'all');
  });

  afterAll(async () => {
    await service?.stop();
    await harness.stop();
  });

  let completedId: string;

  it('creates a work order and follows it as a checklist to the pull request URL, exit 0', async () => {
    harness.model.setRules(happyPathRules('feat/cli-demo'));
    const repository = await harness.createRepository('cli-demo');
    const result = await awo(['create', '--repo', repository.htmlUrl, '--request', 'Add a demo file', '--follow']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    completedId = /^(wo-[0-9a-f]{8}) started/.exec(lines[0]!)![1]!;
    for (const step of ['create-branch', 'planning', 'execute', 'commit', 'create-pr']) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ✓ ${step} +\\d+\\.\\ds$`)));
    }
    expect(lines.at(-1)).toMatch(new RegExp(`^Pull request: ${harness.forge.url}/acme/cli-demo/pull/\\d+$`));
  });

  it('lists, shows and prints the logs of work orders, as text and as JSON', async () => {
    const list = await awo(['list', '--json']);
    expect(list.exitCode).toBe(0);
    const listed = JSON.parse(list.stdout) as { agent_work_order_id: string; status: string }[];
    expect(listed).toContainEqual(expect.objectContaining({ agent_work_order_id: completedId, status: 'completed' }));
    expect((await awo(['list', '--status', 'completed'])).stdout).toMatch(new RegExp(`^${completedId} +completed `, 'm'));

    const shown = await awo(['show', completedId]);
    expect(shown.stdout).toMatch(/^status: +✓ completed$/m);
    expect(shown.stdout).toMatch(/^pull request: +http/m);
    const shownJson = JSON.parse((await awo(['show', completedId, '--json'])).stdout) as { steps: { step: string }[] };
    expect(shownJson.steps.map((step) => step.step)).toEqual(['create-branch', 'planning', 'execute', 'commit', 'create-pr']);

    const logs = await awo(['logs', completedId, '--step', 'planning']);
    expect(logs.exitCode).toBe(0);
    const logLines = logs.stdout.split('\n');
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} (DEBUG|INFO|WARN|ERROR) +\[planning\] \w+/);
    const page = JSON.parse((await awo(['logs', completedId, '--json'])).stdout) as { total: number; log_entries: unknown[] };
    expect(page.total).toBeGreaterThan(logLines.length - 1);
  });

  it('prompts and cancels a running work order while its log is followed; a second cancel is a one-line 409', async () => {
    const hold = gate();
    harness.model.setRules([createBranchRule('feat/cli-cancel'), planningRule('PRPs/plan.md', { holdUntil: hold.promise })]);
    const repository = await harness.createRepository('cli-cancel');
    const created = await awo(['create', '--repo', repository.htmlUrl, '--request', 'Plan something long', '--steps', 'create-branch,planning', '--json']);
    expect(created.exitCode).toBe(0);
    const id = (JSON.parse(created.stdout) as { agent_work_order_id: string }).agent_work_order_id;
    await waitFor(() => harness.model.activeRequests > 0, 'the planning step to reach the model');
    const follow = awo(['logs', id, '--follow', '--level', 'info']);

    const prompted = await awo(['prompt', id, 'Also', 'mention', 'the', 'changelog']);
    expect(prompted.exitCode).toBe(0);
    expect(prompted.stdout).not.toBe('');
    const cancelled = await awo(['cancel', id, '--json']);
    expect(cancelled.exitCode).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ agent_work_order_id: id });
    hold.open();

    const followed = await follow;
    expect(followed.exitCode).toBe(0);
    expect(followed.stdout).toMatch(/INFO +\[create-branch\]/);
    await waitFor(async () => (JSON.parse((await awo(['show', id, '--json'])).stdout) as { status: string }).status === 'cancelled', `${id} to be cancelled`);
    const again = await awo(['cancel', id]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/^error 409: work order wo-[0-9a-f]{8} has ended \(cancelled\)/);
  });

  it('shows a 422 as one line naming the field, with a non-zero exit', async () => {
    const result = await awo(['create', '--repo', 'ftp://example.com/acme/app', '--request', 'x']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error 422: .*repository_url/);
  });

  it('says the service cannot be reached and names AWO_URL when nothing answers', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const result = await execa(process.execPath, [awoPath, 'list'], { env: { PATH: process.env.PATH, AWO_URL: closed }, extendEnv: false, reject: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trimEnd()).toMatch(new RegExp(`^cannot reach the service at ${closed.replace(/\./g, '\\.')} \\(.*\\); start it with \`npm start\`, or set AWO_URL to where it runs$`));
  });
});
