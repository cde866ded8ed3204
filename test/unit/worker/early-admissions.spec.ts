import { EarlyAdmissions, type AdmissionJoinInput } from '../../../temporal/worker/early-admissions.js';

const input = (agentWorkOrderId: string): AdmissionJoinInput => ({ agentWorkOrderId, submittedAt: '2026-12-01T00:00:00.000Z' });

describe('EarlyAdmissions', () => {
  it('begins nothing before a worker gave its join', () => {
    const early = new EarlyAdmissions();
    early.begin(input('wo-1'));
    expect(early.take('wo-1')).toBeNull();
  });

  it('joins once per work order when begun, and hands the answer out once', async () => {
    const early = new EarlyAdmissions();
    const joined: AdmissionJoinInput[] = [];
    early.attach(async (request) => {
      joined.push(request);
      return { controllerId: 'controller', granted: true };
    });

    early.begin(input('wo-1'));
    early.begin(input('wo-1'));

    expect(joined).toEqual([input('wo-1')]);
    await expect(early.take('wo-1')).resolves.toEqual({ controllerId: 'controller', granted: true });
    expect(early.take('wo-1')).toBeNull();
    expect(early.take('wo-2')).toBeNull();
  });

  it('hands out a failed join as it failed, for the taker to join again', async () => {
    const early = new EarlyAdmissions();
    early.attach(async () => {
      throw new Error('controller unreachable');
    });

    early.begin(input('wo-1'));

    await expect(early.take('wo-1')).rejects.toThrow('controller unreachable');
  });

  it('uses the join of the worker made last (workers are made again after a failure)', async () => {
    const early = new EarlyAdmissions();
    early.attach(async () => ({ controllerId: 'old', granted: false }));
    early.attach(async () => ({ controllerId: 'new', granted: true }));

    early.begin(input('wo-1'));

    await expect(early.take('wo-1')).resolves.toEqual({ controllerId: 'new', granted: true });
  });
});
