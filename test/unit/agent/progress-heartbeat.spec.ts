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
    jest.advanceTimersByTime(2500);
    expect(beats).toBe(6);
    // No progress for the whole window: silence, so Temporal's heartbeat timeout is the backstop.
    jest.advanceTimersByTime(5000);
    expect(beats).toBe(6);

    heartbeat.noteProgress();
    expect(beats).toBe(7);
    jest.advanceTimersByTime(1000);
    expect(beats).toBe(9);
    heartbeat.stop();
    jest.advanceTimersByTime(1000);
    expect(beats).toBe(9);
  });
});
