import type { SandboxReading } from '../../../src/git/git-evidence.js';
import { TurnEndReadings } from '../../../src/git/turn-end-readings.js';

const reading = (headSha: string): SandboxReading => ({
  evidence: { branchName: 'feat/x', headSha, commitCount: 1, filesChanged: 1, latestCommitMessage: 'feat: x', uncommittedFiles: 0 },
  commitSubjects: ['feat: x'],
  baseCommits: ['b'.repeat(40)],
});

describe('TurnEndReadings', () => {
  it('hands a kept reading to one taker only: a retried createPR reads the sandbox afresh', () => {
    const readings = new TurnEndReadings();
    readings.keep('wo-00000001', reading('a'.repeat(40)));

    expect(readings.take('wo-00000001')).toEqual(reading('a'.repeat(40)));
    expect(readings.take('wo-00000001')).toBeNull();
  });

  it('keeps one reading per work order, the latest', () => {
    const readings = new TurnEndReadings();
    readings.keep('wo-00000001', reading('a'.repeat(40)));
    readings.keep('wo-00000002', reading('b'.repeat(40)));
    readings.keep('wo-00000001', reading('c'.repeat(40)));

    expect(readings.take('wo-00000001')?.evidence.headSha).toBe('c'.repeat(40));
    expect(readings.take('wo-00000002')?.evidence.headSha).toBe('b'.repeat(40));
  });

  it('forgets a reading when another agent step starts in the sandbox', () => {
    const readings = new TurnEndReadings();
    readings.keep('wo-00000001', reading('a'.repeat(40)));
    readings.forget('wo-00000001');

    expect(readings.take('wo-00000001')).toBeNull();
  });

  it('does not trust a reading older than ten minutes, and drops old ones when another is kept', () => {
    const readings = new TurnEndReadings();
    const start = 1_000_000;
    readings.keep('wo-00000001', reading('a'.repeat(40)), start);
    expect(readings.take('wo-00000001', start + 10 * 60_000 + 1)).toBeNull();

    readings.keep('wo-00000002', reading('b'.repeat(40)), start);
    readings.keep('wo-00000003', reading('c'.repeat(40)), start + 10 * 60_000 + 1);
    // Dropped by the later keep, so even a clock that went back finds nothing.
    expect(readings.take('wo-00000002', start)).toBeNull();
  });
});
