import type { PrepareWorkOrderInput, PrepareWorkOrderResult } from '../../../activities/activity-types.js';
import { EarlyPrepares, type AdmissionJoinInput } from '../../../temporal/worker/early-prepares.js';

const input = (agentWorkOrderId: string, overrides: Partial<PrepareWorkOrderInput> = {}): PrepareWorkOrderInput => ({
  agentWorkOrderId,
  submittedAt: '2026-12-01T00:00:00.000Z',
  repositoryUrl: 'https://github.com/acme/app',
  sandboxType: 'git_worktree',
  issueNumber: null,
  ...overrides,
});
const joinOf = (agentWorkOrderId: string): AdmissionJoinInput => ({ agentWorkOrderId, submittedAt: '2026-12-01T00:00:00.000Z' });

const prepared = (agentWorkOrderId: string): PrepareWorkOrderResult => ({
  sandbox: {
    repository: { owner: 'acme', name: 'app', cloneUrl: 'https://github.com/acme/app.git', htmlUrl: 'https://github.com/acme/app' },
    sandboxPath: `/work/${agentWorkOrderId}/sandbox`,
    baseBranch: 'main',
    baseRef: 'origin/main',
    mirrorPath: '/repositories/acme/app.git',
    reused: false,
    hostTaskQueue: 'agent-work-orders-host-a',
  },
  admission: { controllerId: 'controller', granted: true },
  issueText: null,
});

/** An EarlyPrepares whose worker gave its join and prepare, recording what each was asked. */
function attached() {
  const early = new EarlyPrepares();
  const joined: AdmissionJoinInput[] = [];
  const preparedFor: PrepareWorkOrderInput[] = [];
  early.attachJoin(async (request) => {
    joined.push(request);
    return { controllerId: 'controller', granted: true };
  });
  early.attachPrepare(async (request) => {
    preparedFor.push(request);
    return prepared(request.agentWorkOrderId);
  });
  return { early, joined, preparedFor };
}

describe('EarlyPrepares', () => {
  it('begins nothing before a worker gave its join and prepare', () => {
    const early = new EarlyPrepares();
    early.begin(input('wo-1'), { eagerly: true });
    early.begin(input('wo-2'), { eagerly: false });
    expect(early.takePrepare(input('wo-1'))).toBeNull();
    expect(early.takeJoin('wo-2')).toBeNull();
  });

  it('begins the whole prepare when the first workflow task came to this process, and hands it out once', async () => {
    const { early, joined, preparedFor } = attached();

    early.begin(input('wo-1'), { eagerly: true });
    early.begin(input('wo-1'), { eagerly: true });

    expect(preparedFor).toEqual([input('wo-1')]);
    expect(joined).toEqual([]);
    expect(early.takeJoin('wo-1')).toBeNull();
    await expect(early.takePrepare(input('wo-1'))).resolves.toEqual(prepared('wo-1'));
    expect(early.takePrepare(input('wo-1'))).toBeNull();
    expect(early.takePrepare(input('wo-2'))).toBeNull();
  });

  it('begins only the admission join when the first workflow task may go to another host', async () => {
    const { early, joined, preparedFor } = attached();

    early.begin(input('wo-1'), { eagerly: false });
    early.begin(input('wo-1'), { eagerly: false });

    expect(preparedFor).toEqual([]);
    expect(joined).toEqual([joinOf('wo-1')]);
    expect(early.takePrepare(input('wo-1'))).toBeNull();
    await expect(early.takeJoin('wo-1')).resolves.toEqual({ controllerId: 'controller', granted: true });
    expect(early.takeJoin('wo-1')).toBeNull();
  });

  it('hands a prepare out only for the input it was begun with', async () => {
    const { early } = attached();

    early.begin(input('wo-1'), { eagerly: true });

    await expect(early.takePrepare(input('wo-1', { sandboxType: 'git_branch' }))).rejects.toThrow('had another input');
  });

  it('hands out a failed join or prepare as it failed, for the taker to do again', async () => {
    const early = new EarlyPrepares();
    early.attachJoin(async () => {
      throw new Error('controller unreachable');
    });
    early.attachPrepare(async () => {
      throw new Error('remote unreachable');
    });

    early.begin(input('wo-1'), { eagerly: false });
    early.begin(input('wo-2'), { eagerly: true });

    await expect(early.takeJoin('wo-1')).rejects.toThrow('controller unreachable');
    await expect(early.takePrepare(input('wo-2'))).rejects.toThrow('remote unreachable');
  });

  it('uses the join and prepare of the worker made last (workers are made again after a failure)', async () => {
    const early = new EarlyPrepares();
    early.attachJoin(async () => ({ controllerId: 'old', granted: false }));
    early.attachJoin(async () => ({ controllerId: 'new', granted: true }));
    early.attachPrepare(async () => {
      throw new Error('the old worker');
    });
    early.attachPrepare(async (request) => prepared(request.agentWorkOrderId));

    early.begin(input('wo-1'), { eagerly: false });
    early.begin(input('wo-2'), { eagerly: true });

    await expect(early.takeJoin('wo-1')).resolves.toEqual({ controllerId: 'new', granted: true });
    await expect(early.takePrepare(input('wo-2'))).resolves.toEqual(prepared('wo-2'));
  });
});
