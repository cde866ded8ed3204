import { setTimeout as sleep } from 'node:timers/promises';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchesLogFilter } from '../../src/logs/log-entries.js';
import type { WorkOrderLogStore } from '../../src/logs/work-order-log-store.js';
import type { WorkOrderLogStreamQuery } from '../../src/models/work-order-request.js';
import { WORK_ORDER_LOG_STORE } from '../core/api-tokens.js';
import { executionStatus, WorkOrderStateReader } from './work-order-state.reader.js';
import { isOpenExecution } from '../../temporal/client/work-order-status.js';

export interface LogStreamTimings {
  /** How often the log store is read for new entries. */
  pollMs: number;
  /** How often the work order's execution status is checked to end the stream. */
  statusCheckMs: number;
  /** A comment line this often keeps proxies and clients from dropping an idle stream. */
  keepAliveMs: number;
}

export const LOG_STREAM_TIMINGS = Symbol('LOG_STREAM_TIMINGS');
export const defaultLogStreamTimings: LogStreamTimings = { pollMs: 300, statusCheckMs: 1_000, keepAliveMs: 15_000 };

/**
 * Server-sent events of a work order's log: the backlog first, then entries as the worker appends them. Each entry is
 * a default (`message`) event with its position in the log as its id, so EventSource's Last-Event-ID resumes
 * without duplicates. Once the work order has ended and everything written is sent, an `end` event closes the stream.
 */
@Injectable()
export class WorkOrderLogStreamService implements BeforeApplicationShutdown {
  private readonly openStreams = new Set<ServerResponse>();
  private shuttingDown = false;

  constructor(
    @Inject(WORK_ORDER_LOG_STORE) private readonly logStore: WorkOrderLogStore,
    @Inject(LOG_STREAM_TIMINGS) private readonly timings: LogStreamTimings,
    private readonly reader: WorkOrderStateReader,
  ) {}

  /** The caller has checked that the work order exists: from here on the answer is a 200 stream. */
  async stream(agentWorkOrderId: string, query: WorkOrderLogStreamQuery, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const resumeAfter = Number.parseInt(String(request.headers['last-event-id'] ?? '0'), 10) || 0;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.write(': stream open\n\n');
    let clientGone = false;
    // The response's close, not the request's: a request without a body counts as closed once it has been read.
    response.once('close', () => {
      clientGone = true;
    });
    this.openStreams.add(response);

    const follower = this.logStore.follow(agentWorkOrderId, resumeAfter);
    let lastKeepAlive = Date.now();
    let lastStatusCheck = 0;
    let endedStatus: string | null = null;
    try {
      while (!clientGone && !this.shuttingDown) {
        for (const { seq, entry } of await follower.readNew()) {
          if (matchesLogFilter(entry, query)) response.write(`id: ${seq}\ndata: ${JSON.stringify(entry)}\n\n`);
        }
        // The log is read once more after the end is seen, so what the last activities wrote is sent first.
        if (endedStatus !== null) break;
        if (Date.now() - lastStatusCheck >= this.timings.statusCheckMs) {
          lastStatusCheck = Date.now();
          const execution = await this.reader.describe(agentWorkOrderId).catch(() => null);
          if (execution && !isOpenExecution(execution)) {
            endedStatus = executionStatus(execution);
            continue;
          }
        }
        if (Date.now() - lastKeepAlive >= this.timings.keepAliveMs) {
          lastKeepAlive = Date.now();
          response.write(': keep-alive\n\n');
        }
        await sleep(this.timings.pollMs);
      }
      if (endedStatus !== null && !clientGone) {
        response.write(`event: end\ndata: ${JSON.stringify({ agent_work_order_id: agentWorkOrderId, status: endedStatus })}\n\n`);
      }
    } finally {
      this.openStreams.delete(response);
      response.end();
    }
  }

  /** Open streams would keep the HTTP server from closing: end them when the service stops. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
    for (const response of this.openStreams) response.end();
  }
}
