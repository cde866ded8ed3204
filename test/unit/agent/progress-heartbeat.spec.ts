import { jest } from '@jest/globals';
import { ProgressHeartbeat } from '../../../src/agent/progress-heartbeat.js';

describe('ProgressHeartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('beats while the agent made progress within the idle window, stops beating when it did not, and beats again on progress', () => {
    let beats = 0;
    const heartbeat = new ProgressHeartbeat(() => (beats += 1), { idleTimeoutMs: 3000, intervalMs: 500, now: () => Date.now() });

    heartbeat.start();
    expect(beats).toBe(1);
    // A CLI still starting is not judged: it beats until its first event, however long that takes.
    jest.advanceTimersByTime(5000);
    expect(beats).toBe(11);
    heartbeat.noteProgress();
    expect(beats).toBe(12);
    jest.advanceTimersByTime(2500);
    expect(beats).toBe(17);
    // No progress for the whole window: silence, so Temporal's heartbeat timeout is the backstop.
    jest.advanceTimersByTime(5000);
    expect(beats).toBe(17);

    heartbeat.noteProgress();
    expect(beats).toBe(18);
    jest.advanceTimersByTime(1000);
    expect(beats).toBe(20);
    heartbeat.stop();
    jest.advanceTimersByTime(1000);
    expect(beats).toBe(20);
  });
});
