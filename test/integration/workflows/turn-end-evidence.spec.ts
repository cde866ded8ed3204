import type { AgentWorkOrder } from '../../../src/models/work-order.js';
import { FileLogStore } from '../../../src/logs/file-log-store.js';
import { bashTurn, textTurn } from '../../fixtures/model-server.js';
import { WorkOrderHarness } from '../../utils/work-order-harness.js';

/**
 * A step's git evidence is read after each tool's result, while the model writes its next answer, and the turn's end
 * takes that reading when nothing could have changed the sandbox since (real Temporal, git, Claude Code, test forge).
 */
describe('the git evidence of a step at its turn\'s end', () => {
  const harness = new WorkOrderHarness();

  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  async function observed(workflowId: string): Promise<Array<Record<string, unknown>>> {
    const entries = await new FileLogStore(harness.config.workOrderDir).readAll(workflowId);
    return entries.filter((entry) => entry.event === 'git_progress_observed').map(({ step, branch, commit_count, uncommitted_files }) => ({ step, branch, commit_count, uncommitted_files }));
  }

  /** A create-branch step whose agent runs `command`, then answers after `answerAfterMs`. */
  async function createBranchStep(repositoryName: string, command: string, branch: string, answerAfterMs: number) {
    harness.model.setRules([{ match: /^# Create Branch/m, turns: [bashTurn(command), { ...textTurn(branch), delayMs: answerAfterMs }] }]);
    const repository = await harness.createRepository(repositoryName);
    const handle = await harness.startWorkOrder({ repositoryUrl: repository.htmlUrl, selectedCommands: ['create-branch'] });
    return { handle, result: (await handle.result()) as AgentWorkOrder };
  }

  it('counts what the last tool committed, read while the model wrote its final answer', async () => {
    const command = 'git checkout -q -b feat/evidence && echo one > one.txt && git add one.txt && git commit -q -m "feat: one"';
    const { handle, result } = await createBranchStep('evidence', command, 'feat/evidence', 500);

    expect(result.status).toBe('completed');
    expect(result.git_branch_name).toBe('feat/evidence');
    expect(await observed(handle.workflowId)).toEqual([{ step: 'create-branch', branch: 'feat/evidence', commit_count: 1, uncommitted_files: 0 }]);
  });

  it('reads again at the turn\'s end when a tool sent to the background changed the sandbox after the tool returned', async () => {
    // The background writer ends before the final answer comes: at the result nothing of the agent runs any more.
    const command = 'git checkout -q -b feat/late && ((sleep 0.4; echo late > late.txt) > /dev/null 2>&1 &)';
    const { handle, result } = await createBranchStep('evidence-late', command, 'feat/late', 1500);

    expect(result.status).toBe('completed');
    expect(await observed(handle.workflowId)).toEqual([{ step: 'create-branch', branch: 'feat/late', commit_count: 0, uncommitted_files: 1 }]);
  });
});
