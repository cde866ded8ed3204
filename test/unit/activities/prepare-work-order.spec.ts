import { ApplicationFailure } from '@temporalio/common';
import type { SetupSandboxResult } from '../../../activities/activity-types.js';
import { createPrepareWorkOrderActivity, type PrepareWorkOrderParts } from '../../../activities/prepare-work-order.activity.js';
import { EarlyPrepares } from '../../../temporal/worker/early-prepares.js';

const sandbox: SetupSandboxResult = {
  repository: { owner: 'acme', name: 'demo', htmlUrl: 'https://github.com/acme/demo', cloneUrl: 'https://github.com/acme/demo.git' },
  sandboxPath: '/work-orders/wo-1/sandbox',
  baseBranch: 'main',
  baseRef: 'a'.repeat(40),
  mirrorPath: '/repositories/acme/demo.git',
  hostTaskQueue: 'awo-host-a',
  reused: false,
};
const input = { agentWorkOrderId: 'wo-1', repositoryUrl: 'https://github.com/acme/demo', sandboxType: 'git_worktree' as const, submittedAt: '2026-11-30T00:00:00.000Z', issueNumber: 7 };

/** Parts that each wait until all three have started, so a part run after another never finishes. */
function concurrentParts() {
  const started: string[] = [];
  let release!: () => void;
  const allStarted = new Promise<void>((resolve) => (release = resolve));
  const part =
    <T>(name: string, value: () => T) =>
    async (): Promise<T> => {
      started.push(name);
      if (started.length === 3) release();
      await allStarted;
      return value();
    };
  const parts: PrepareWorkOrderParts = {
    setupSandbox: part('setupSandbox', () => sandbox),
    joinAdmission: part('joinAdmission', () => ({ controllerId: 'awo-admission-q', granted: true })),
    loadIssue: part('loadIssue', () => '#7 Fix it'),
  };
  return { parts, started };
}

describe('prepareWorkOrder', () => {
  it('joins the line, sets up the sandbox and loads the issue at the same time', async () => {
    const { parts, started } = concurrentParts();
    const result = await createPrepareWorkOrderActivity(parts).prepareWorkOrder(input);

    expect(result).toEqual({ sandbox, admission: { controllerId: 'awo-admission-q', granted: true }, issueText: '#7 Fix it' });
    expect(started.sort()).toEqual(['joinAdmission', 'loadIssue', 'setupSandbox']);
  });

  it('loads no issue for a work order without one', async () => {
    let issueLoads = 0;
    const loadIssue = async () => {
      issueLoads += 1;
      return 'issue';
    };
    const parts: PrepareWorkOrderParts = { setupSandbox: async () => sandbox, joinAdmission: async () => ({ controllerId: 'c', granted: false }), loadIssue };
    const result = await createPrepareWorkOrderActivity(parts).prepareWorkOrder({ ...input, issueNumber: null });

    expect(result.issueText).toBeNull();
    expect(result.admission.granted).toBe(false);
    expect(issueLoads).toBe(0);
  });

  it('fails with the sandbox error when both the sandbox and the join fail, after every part has settled', async () => {
    let joinSettled = false;
    const parts: PrepareWorkOrderParts = {
      setupSandbox: async () => Promise.reject(new Error('cannot fetch: repository not found')),
      joinAdmission: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        joinSettled = true;
        throw new Error('controller unavailable');
      },
      loadIssue: async () => 'issue',
    };
    await expect(createPrepareWorkOrderActivity(parts).prepareWorkOrder(input)).rejects.toThrow('cannot fetch: repository not found');
    expect(joinSettled).toBe(true);
  });

  it('fails with the join error when only the join fails', async () => {
    const parts: PrepareWorkOrderParts = { setupSandbox: async () => sandbox, joinAdmission: async () => Promise.reject(new Error('controller unavailable')), loadIssue: async () => 'issue' };
    await expect(createPrepareWorkOrderActivity(parts).prepareWorkOrder(input)).rejects.toThrow('controller unavailable');
  });

  describe('begun by the API (EarlyPrepares)', () => {
    /** Parts that count sandbox setups, the first one failing with `firstSetup` when given. */
    function countingParts(firstSetup?: Error) {
      const setups: string[] = [];
      const parts: PrepareWorkOrderParts = {
        setupSandbox: async (request) => {
          setups.push(request.agentWorkOrderId);
          if (firstSetup && setups.length === 1) throw firstSetup;
          return sandbox;
        },
        joinAdmission: async () => ({ controllerId: 'c', granted: true }),
        loadIssue: async () => 'issue',
      };
      return { parts, setups };
    }

    /** The activity over `parts` with an EarlyPrepares, and the work orders whose prepare it took from the API. */
    function activityWithEarly(parts: PrepareWorkOrderParts) {
      const prepares = new EarlyPrepares();
      const taken: string[] = [];
      const activity = createPrepareWorkOrderActivity(parts, { prepares, taken: (id) => taken.push(id) });
      return { activity, prepares, taken };
    }

    it('takes the prepare begun for the same input instead of preparing again', async () => {
      const { parts, setups } = countingParts();
      const { activity, prepares, taken } = activityWithEarly(parts);

      prepares.begin(input, { eagerly: true });
      const result = await activity.prepareWorkOrder(input);

      expect(result.sandbox).toEqual(sandbox);
      expect(setups).toEqual(['wo-1']);
      expect(taken).toEqual(['wo-1']);
      // Taken once: a retried attempt prepares itself.
      await activity.prepareWorkOrder(input);
      expect(setups).toEqual(['wo-1', 'wo-1']);
      expect(taken).toEqual(['wo-1']);
    });

    it('prepares again when the begun prepare failed in a way a retry may mend', async () => {
      const { parts, setups } = countingParts(new Error('the forge did not answer'));
      const { activity, prepares, taken } = activityWithEarly(parts);

      prepares.begin(input, { eagerly: true });
      await expect(activity.prepareWorkOrder(input)).resolves.toMatchObject({ sandbox });

      expect(setups).toEqual(['wo-1', 'wo-1']);
      expect(taken).toEqual([]);
    });

    it('fails with the begun prepare\'s failure, without asking again, when no retry can mend it', async () => {
      const { parts, setups } = countingParts(ApplicationFailure.nonRetryable('cannot fetch: repository not found', 'RepositoryUnavailableError'));
      const { activity, prepares } = activityWithEarly(parts);

      prepares.begin(input, { eagerly: true });
      await expect(activity.prepareWorkOrder(input)).rejects.toThrow('cannot fetch: repository not found');

      expect(setups).toEqual(['wo-1']);
    });
  });
});
