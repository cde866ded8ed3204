import fs from 'node:fs/promises';

export interface IdleWatchdogOptions {
  idleTimeoutMs: number;
  /** The live pids whose CPU time counts as progress (the tools the agent started); null where /proc cannot be read. */
  processes: () => Promise<number[] | null>;
  /** Called once, when neither output nor CPU time moved for idleTimeoutMs. */
  onIdle: () => void;
  /** Called when the agent's processes used CPU since the last look (output is reported by the caller). */
  onCpuProgress?: () => void;
}

/**
 * Tells a hung agent from a busy one. Output is progress, and so is CPU time: a build or test run may print nothing
 * for minutes while it works. A process tree that does neither for the whole timeout waits on something that will not
 * come (a sleeping tool, a stalled connection), so it is stopped instead of holding the step until its overall timeout.
 */
export class IdleWatchdog {
  private lastProgressAt = Date.now();
  private lastCpuTicks: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  private fired = false;
  private outputSeen = false;

  constructor(private readonly options: IdleWatchdogOptions) {}

  start(): void {
    // Often enough that the stop comes soon after the timeout, rarely enough that scanning /proc stays cheap.
    const intervalMs = Math.min(10_000, Math.max(250, Math.floor(this.options.idleTimeoutMs / 10)));
    this.timer = setInterval(() => void this.check(), intervalMs);
  }

  /** The agent printed something. */
  noteOutput(): void {
    this.outputSeen = true;
    this.lastProgressAt = Date.now();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async check(): Promise<void> {
    if (this.checking || this.fired || !this.timer) return;
    this.checking = true;
    try {
      const pids = await this.options.processes();
      if (pids !== null) {
        const ticks = await cpuTicks(pids);
        // Any change counts: a tool that exits takes its ticks out of the sum, and that is activity too.
        if (this.lastCpuTicks !== null && ticks !== this.lastCpuTicks) {
          this.lastProgressAt = Date.now();
          this.options.onCpuProgress?.();
        }
        this.lastCpuTicks = ticks;
      }
      // The clock starts at the agent's first event: a CLI still starting (slowly, on a loaded host) is not hung.
      if (this.timer && this.outputSeen && Date.now() - this.lastProgressAt >= this.options.idleTimeoutMs) {
        this.fired = true;
        this.stop();
        this.options.onIdle();
      }
    } finally {
      this.checking = false;
    }
  }
}

/** User and system time of the processes and of their reaped children, in clock ticks. */
async function cpuTicks(pids: number[]): Promise<number> {
  const each = await Promise.all(
    pids.map(async (pid) => {
      try {
        const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
        // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0);
      } catch {
        return 0;
      }
    }),
  );
  return each.reduce((sum, ticks) => sum + ticks, 0);
}
