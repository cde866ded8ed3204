import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Client, Connection } from '@temporalio/client';
import type { Logger } from '../../src/logger.js';
import { DependencyUnavailableError } from './api-errors.js';
import { API_LOGGER, TEMPORAL_CLIENT } from './api-tokens.js';
import { ProbeVerdict } from './probe-verdict.js';
import { refusesConnections } from './refuses-connections.js';
import { isDeadline } from '../work-orders/temporal-errors.js';

/** One probe must end well inside the 2 s a request may wait for its 503. */
const probeTimeoutMs = 1_500;
const probeIntervalUpMs = 1_000;
/** While Temporal is away, look more often, so the API serves again soon after it is back. */
const probeIntervalDownMs = 500;
/** What a 503 tells callers: about the embedded server's first restart backoff plus its start. */
const retryAfterSeconds = 5;
/**
 * A request still waiting on Temporal after this long asks at once whether it is there: one that passed the check
 * just before the server died would otherwise hang in the SDK's retries until the server is back.
 */
const slowRequestMs = 250;

/**
 * Whether the API's Temporal server answers, probed in the background. Routes that need Temporal ask it first, so
 * while the server is away they answer 503 with Retry-After at once instead of hanging in the SDK's retries.
 */
@Injectable()
export class TemporalAvailability implements OnModuleInit, OnApplicationShutdown {
  private reachable = true;
  private lastError = '';
  private readonly stopped = new AbortController();
  private loop: Promise<void> | undefined;
  private probing: Promise<void> | undefined;
  private readonly lostListeners = new Set<() => void>();
  private readonly verdict = new ProbeVerdict();

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(API_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped.abort();
    await this.loop;
  }

  /** Throws the 503 error when the last probe failed. */
  assertReachable(): void {
    if (this.reachable) return;
    throw this.unavailableError();
  }

  /**
   * Calls `onLost` with the 503 error when Temporal is found unreachable while a request waits on it (a probe runs
   * once the request is slower than `slowRequestMs`); returns the function that stops watching.
   */
  watchWhileWaiting(onLost: (error: DependencyUnavailableError) => void): () => void {
    let watching = true;
    const lost = () => {
      if (watching) onLost(this.unavailableError());
    };
    this.lostListeners.add(lost);
    const timer = setTimeout(() => {
      void this.probe().then(() => {
        if (!this.reachable) lost();
      });
    }, slowRequestMs);
    timer.unref();
    return () => {
      watching = false;
      clearTimeout(timer);
      this.lostListeners.delete(lost);
    };
  }

  private unavailableError(): DependencyUnavailableError {
    return new DependencyUnavailableError('temporal', `Temporal is not reachable (${this.lastError}); try again shortly`, retryAfterSeconds);
  }

  private async run(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      await this.probe();
      const interval = this.reachable ? probeIntervalUpMs : probeIntervalDownMs;
      await sleep(interval, undefined, { signal: this.stopped.signal, ref: false }).catch(() => undefined);
    }
  }

  /** One probe at a time: the loop's and slow requests' share it. */
  private probe(): Promise<void> {
    this.probing ??= this.probeOnce().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private async probeOnce(): Promise<void> {
    try {
      await this.client.withDeadline(Date.now() + probeTimeoutMs, () => this.client.workflowService.getSystemInfo({}));
      if (!this.reachable) this.logger.info({ event: 'api_temporal_reconnected' }, 'api_temporal_reconnected');
      this.reachable = this.verdict.answered();
    } catch (error) {
      if (await this.onlySlow(error)) return;
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
      if (this.reachable) this.logger.warn({ event: 'api_temporal_lost', error: message }, 'api_temporal_lost');
      this.reachable = this.verdict.failed();
      this.lastError = message.replace(/^\d+\s+[A-Z_]+:\s*/, '') || 'no answer';
      for (const listener of [...this.lostListeners]) listener();
    }
  }

  /** A probe that ran out of time against a server still taking connections, and not yet too many in a row. */
  private async onlySlow(error: unknown): Promise<boolean> {
    if (!isDeadline(error)) return false;
    const address = (this.client.connection as Connection).options?.address;
    if (!address || (await refusesConnections(address))) return false;
    return this.verdict.slow();
  }
}
