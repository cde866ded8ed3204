import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { execa } from 'execa';
import type { AppConfig } from '../../src/config.js';
import type { DependencyHealth, HealthReport } from '../../src/models/health-report.js';
import type { SettingsReader } from '../../src/settings/settings-service.js';
import { APP_CONFIG, SERVICE_VERSION, TEMPORAL_CLIENT } from '../core/api-tokens.js';
import { agentIsolationHealth, homeHealth } from './worker-host-health.js';
import { githubServerProblem, githubTokenProblem, modelAccessProblem, presentProblems } from '../../src/readiness/work-readiness.js';
import { CONFIGURATION_ENV, SETTINGS_SERVICE } from '../settings/configuration-store.module.js';


// Proto enum values (TASK_QUEUE_KIND_NORMAL, TASK_QUEUE_TYPE_WORKFLOW); @temporalio/proto is not a direct dependency.
const taskQueueKindNormal = 1;
const taskQueueTypeWorkflow = 1;
/** /health must answer fast even when Temporal hangs: load balancers and the e2e probes wait on it. */
const checkTimeoutMs = 1_500;
/** Without these the service cannot work at all: 503. The others only degrade it (200 with reasons). */
const criticalDependencies: ReadonlySet<string> = new Set(['temporal']);
/** Worker pollers re-poll about every minute while idle; one not seen for longer than this is gone. */
const pollerFreshMs = 150_000;
/** Spawning the CLIs on every probe would make /health expensive; their versions change only with a deployment. */
const cliCacheMs = 60_000;

@Injectable()
export class HealthService {
  private readonly cliChecks = new Map<string, { at: number; result: Promise<DependencyHealth> }>();
  private serverCheck: { at: number; result: Promise<string | null> } | null = null;

  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVICE_VERSION) private readonly version: string,
    @Inject(SETTINGS_SERVICE) private readonly settings: SettingsReader,
    @Optional() @Inject(CONFIGURATION_ENV) private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async report(): Promise<HealthReport> {
    const [temporalHealth, { worker, pollerIdentities }, claudeCli, git, home, readiness] = await Promise.all([
      this.checkTemporal(),
      this.checkWorker(),
      this.claudeCliPath().then((cliPath) => this.checkCli(cliPath)),
      this.checkCli('git'),
      homeHealth(this.config),
      // What would stop real work though every dependency answers: the start banner says the same.
      presentProblems([githubTokenProblem(() => this.settings.githubToken()), modelAccessProblem(this.env), this.checkGithubServer()]),
    ]);
    const dependencies = { temporal: temporalHealth, worker, claude_cli: claudeCli, git, home, agent_isolation: agentIsolationHealth(pollerIdentities) };
    const unhealthy = Object.entries(dependencies).filter(([, health]) => !health.healthy);
    const reasons = unhealthy.map(([name, health]) => `${name}: ${health.detail}`).concat(readiness);
    const status = unhealthy.some(([name]) => criticalDependencies.has(name)) ? 'unhealthy' : reasons.length > 0 ? 'degraded' : 'healthy';
    return { status, service: 'agent-work-orders', version: this.version, dependencies, reasons };
  }

  /** Cached like the CLIs: the forge's host moves only with the configuration. */
  private checkGithubServer(): Promise<string | null> {
    if (this.serverCheck && Date.now() - this.serverCheck.at < cliCacheMs) return this.serverCheck.result;
    this.serverCheck = { at: Date.now(), result: githubServerProblem(this.config.GITHUB_SERVER_URL) };
    return this.serverCheck.result;
  }

  /** The CLI the worker will run: a path saved in settings counts, not only the environment's. */
  private async claudeCliPath(): Promise<string> {
    try {
      return (await this.settings.agentSettings()).cliPath;
    } catch {
      // An unreadable store must not hide whether the configured CLI itself works.
      return this.config.CLAUDE_CLI_PATH;
    }
  }

  private async checkTemporal(): Promise<DependencyHealth> {
    try {
      const info = await this.client.withDeadline(Date.now() + checkTimeoutMs, () => this.client.workflowService.getSystemInfo({}));
      return { healthy: true, detail: `reachable, server ${info.serverVersion || 'version unknown'}, namespace ${this.config.TEMPORAL_NAMESPACE}` };
    } catch (error) {
      return { healthy: false, detail: `not reachable: ${firstLine(error)}` };
    }
  }

  /** Also the identities of the live pollers, which say who each worker runs its agents as. */
  private async checkWorker(): Promise<{ worker: DependencyHealth; pollerIdentities: string[] }> {
    const queue = this.config.AWO_TASK_QUEUE;
    try {
      const response = await this.client.withDeadline(Date.now() + checkTimeoutMs, () =>
        this.client.workflowService.describeTaskQueue({
          namespace: this.config.TEMPORAL_NAMESPACE,
          taskQueue: { name: queue, kind: taskQueueKindNormal },
          taskQueueType: taskQueueTypeWorkflow,
        }),
      );
      const now = Date.now();
      const fresh = (response.pollers ?? []).filter((poller) => {
        const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
        return now - seconds * 1000 < pollerFreshMs;
      });
      const worker =
        fresh.length > 0
          ? { healthy: true, detail: `${fresh.length} poller(s) on task queue ${queue}` }
          : { healthy: false, detail: `no worker is polling task queue ${queue}; work orders will wait until one starts` };
      return { worker, pollerIdentities: fresh.map((poller) => poller.identity ?? '') };
    } catch (error) {
      return { worker: { healthy: false, detail: `task queue ${queue} could not be described: ${firstLine(error)}` }, pollerIdentities: [] };
    }
  }

  /** Cached per command, so a CLI path changed in settings is checked afresh. */
  private checkCli(command: string): Promise<DependencyHealth> {
    const cached = this.cliChecks.get(command);
    if (cached && Date.now() - cached.at < cliCacheMs) return cached.result;
    const result = execa(command, ['--version'], { timeout: 15_000, reject: false }).then(
      (outcome): DependencyHealth =>
        outcome.exitCode === 0
          ? { healthy: true, detail: outcome.stdout.trim().split('\n')[0] ?? 'present' }
          : { healthy: false, detail: `${command} --version failed: ${outcome.failed && outcome.exitCode === undefined ? 'not found or not runnable' : `exit code ${outcome.exitCode}`}` },
    );
    this.cliChecks.set(command, { at: Date.now(), result });
    return result;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
}
