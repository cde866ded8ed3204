import { existsSync } from 'node:fs';
import path from 'node:path';
import { FileLogStore } from '../../../src/logs/file-log-store.js';
import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import { createBranchRule, writeAndCommitRule } from '../../utils/scripted-steps.js';
import { WorkOrderHarness } from '../../utils/work-order-harness.js';

describe('several worker hosts on one task queue', () => {
  const harness = new WorkOrderHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('runs every sandbox activity of a work order on the host that created its sandbox', async () => {
    const secondHost = await harness.startAnotherWorkerHost('second-host');
    harness.model.setRules([createBranchRule('feat/spread'), writeAndCommitRule('spread.txt', 'feat: spread over hosts')]);
    const hosts = [harness.config, secondHost];
    const names = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
    for (const name of names) await harness.createRepository(name);

    const results = await Promise.all(
      names.map(async (name) => {
        const handle = await harness.startWorkOrder({ repositoryUrl: `${harness.forge.url}/acme/${name}`, selectedCommands: ['create-branch', 'commit', 'create-pr'] });
        return (await handle.result()) as AgentWorkOrder;
      }),
    );

    expect(results.map((result) => result.status)).toEqual(names.map(() => 'completed'));
    const homesUsed = new Set<string>();
    for (const result of results) {
      // Exactly one host holds the work order's artifacts, and every step of it (setup, agent, git, pull request,
      // cleanup) logged there: nothing ran on a host without the sandbox.
      const owners = hosts.filter((host) => existsSync(path.join(host.workOrderDir, result.agent_work_order_id, 'logs.jsonl')));
      expect(owners).toHaveLength(1);
      const events = (await new FileLogStore(owners[0]!.workOrderDir).readAll(result.agent_work_order_id)).map((entry) => entry.event);
      expect(events).toEqual(expect.arrayContaining(['sandbox_sandbox_ready', 'agent_step_completed', 'git_progress_observed', 'github_pull_request_opened', 'workflow_work_order_completed']));
      expect(result.sandbox_identifier?.startsWith(owners[0]!.workOrderDir)).toBe(true);
      homesUsed.add(owners[0]!.AWO_HOME);
      expect(harness.forge.pullRequests('acme', result.repository_url.split('/').pop()!)).toHaveLength(1);
    }
    // Not a guarantee of the scheduler, but with six work orders on two idle hosts both take part.
    expect(homesUsed.size).toBe(2);
  });
});
