/**
 * Probes in a row that may run out of time before Temporal counts as gone. A server that is gone refuses the connection;
 * one that answers slowly (a loaded machine: CI, many work orders) is not gone, and calling it so failed requests that
 * would have been served.
 */
export const slowProbesBeforeLost = 3;

/** Counts the probes in a row that only ran out of time against a server that still takes connections. */
export class ProbeVerdict {
  private slowInRow = 0;

  /** A probe answered: reachable, and the series of slow ones ends. */
  answered(): true {
    this.slowInRow = 0;
    return true;
  }

  /** A probe failed otherwise (refused, broken): unreachable at once. */
  failed(): false {
    this.slowInRow = 0;
    return false;
  }

  /** A probe ran out of time while the server took connections: tolerated (true) until too many in a row. */
  slow(): boolean {
    this.slowInRow += 1;
    return this.slowInRow < slowProbesBeforeLost;
  }
}
