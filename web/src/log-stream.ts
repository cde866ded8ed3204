import { useEffect, useState } from 'react';
import type { WorkOrderLogEntry } from '../../client/index.js';
import { api } from './api.js';

/** Entries kept in the page; older ones stay readable through the logs route. */
const maxEntries = 5000;

export interface LogStreamState {
  entries: WorkOrderLogEntry[];
  /** The service said the work order ended: nothing more will come. */
  ended: boolean;
  error: unknown;
  retry(): void;
}

/** Follows the work order's SSE log (backlog first) until the stream's `end`; no reconnect after it. */
export function useLogStream(workOrderId: string): LogStreamState {
  const [entries, setEntries] = useState<WorkOrderLogEntry[]>([]);
  const [ended, setEnded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setEntries([]);
    setError(null);
    let batch: WorkOrderLogEntry[] = [];
    let scheduled = false;
    // The backlog arrives as a burst; one render per animation frame instead of one per line.
    const flush = () => {
      scheduled = false;
      const added = batch;
      batch = [];
      setEntries((previous) => [...previous, ...added].slice(-maxEntries));
    };
    void api
      .streamLogs(workOrderId, {
        signal: controller.signal,
        onEntry: (entry) => {
          batch.push(entry);
          if (!scheduled) {
            scheduled = true;
            requestAnimationFrame(flush);
          }
        },
      })
      .then((outcome) => {
        flush();
        if (outcome.ended) setEnded(true);
        else setError(new Error('The log stream closed before the work order ended.'));
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      });
    return () => controller.abort();
  }, [workOrderId, attempt]);

  return { entries, ended, error, retry: () => setAttempt((value) => value + 1) };
}
