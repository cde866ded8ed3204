import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { type AppConfig, loadConfig, projectRoot } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { newAgentWorkOrderId } from '../../src/ids.js';
import type { AgentWorkOrder, SandboxType, WorkOrderInput, WorkOrderStep } from '../../src/models/work-order.js';
import { createNativeConnection } from '../../temporal/worker/native-connection.js';
import { hostTaskQueueName } from '../../temporal/worker/task-queues.js';
import { startWorkOrder } from '../../temporal/client/work-order-starter.js';
import { type BudgetLimits, noBudgetLimits } from '../../src/models/work-order-budget.js';
import type { StepHistory } from '../../workflows/messages.js';
import { createWorkOrderWorkers, type WorkOrderWorkers } from '../../temporal/worker/worker.js';
import { installWorkerRuntime } from '../../temporal/worker/worker-runtime.js';
import { startModelServer, type ModelServer, type Rule } from '../fixtures/model-server.js';
import { startTestForge, type TestForge } from '../fixtures/test-forge.js';
import { connectTestClient, testTemporalAddress, uniqueTaskQueue } from './temporal-env.js';

/** TASK_QUEUE_TYPE_ACTIVITY in Temporal's API: the host queue carries activities only. */
const activityTaskQueueType = 2;

export const testToken = 'ghp_testforgetoken0123456789abcdef';
export const claudeCliPath = path.join(projectRoot, 'node_modules', '.bin', 'claude');

export interface HarnessOptions {
  rules?: Rule[];
  /** Seconds without a heartbeat before Temporal retries the agent step elsewhere (short in tests). */
  heartbeatTimeoutSeconds?: number;
  /** false: no worker in this process (the test starts worker processes itself). */
  inProcessWorker?: boolean;
  /** Extra service configuration, e.g. AWO_MAX_CONCURRENT. */
  env?: Record<string, string>;
}

/**
 * Everything a work order needs, for real: a Temporal dev server (global), a worker on a fresh task queue, the
 * Claude Code CLI on a scripted model server, and a test forge with git over HTTP and the GitHub REST subset.
 */
export class WorkOrderHarness {
  readonly taskQueue = uniqueTaskQueue('wo');
  readonly workerHostId = `host-${this.taskQueue}`;
  model!: ModelServer;
  forge!: TestForge;
  client!: Client;
  home!: string;
  env!: NodeJS.ProcessEnv;
  config!: AppConfig;
  private closeClient!: () => Promise<void>;
  private workerConnection: NativeConnection | null = null;
  private workers: WorkOrderWorkers | null = null;
  private workerRun: Promise<void> | null = null;
  private readonly extraHomes: string[] = [];
  private readonly workerProcesses = new Set<ChildProcess>();

  constructor(private readonly options: HarnessOptions = {}) {}

  async start(): Promise<this> {
    this.home = await mkdtemp(path.join(os.tmpdir(), 'awo-test-'));
    this.model = await startModelServer({ rules: this.options.rules ?? [] });
    this.forge = await startTestForge({ token: testToken });
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWO_HOME: this.home,
      TEMPORAL_ADDRESS: testTemporalAddress(),
      AWO_TASK_QUEUE: this.taskQueue,
      AWO_WORKER_HOST_ID: this.workerHostId,
      GITHUB_TOKEN: testToken,
      GITHUB_API_URL: this.forge.apiUrl,
      GITHUB_SERVER_URL: this.forge.url,
      CLAUDE_CLI_PATH: claudeCliPath,
      CLAUDE_CONFIG_DIR: path.join(this.home, 'claude-config'),
      ANTHROPIC_BASE_URL: this.model.url,
      ANTHROPIC_API_KEY: 'sk-ant-test-dummy',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      IS_SANDBOX: '1',
      GIT_AUTHOR_NAME: 'Agent Test',
      GIT_AUTHOR_EMAIL: 'agent@example.test',
      GIT_COMMITTER_NAME: 'Agent Test',
      GIT_COMMITTER_EMAIL: 'agent@example.test',
      LOG_LEVEL: 'warn',
      ...this.options.env,
    };
    this.config = loadConfig(this.env);
    const { client, connection } = await connectTestClient();
    this.client = client;
    this.closeClient = () => connection.close();
    if (this.options.inProcessWorker !== false) await this.startInProcessWorker();
    return this;
  }

  async startInProcessWorker(): Promise<void> {
    installWorkerRuntime(createLogger('warn'));
    this.workerConnection = await createNativeConnection(testTemporalAddress());
    this.workers = await createWorkOrderWorkers({ config: this.config, connection: this.workerConnection, logger: createLogger('warn'), env: this.env });
    this.workerRun = this.workers.run();
  }

  /**
   * Another worker host, as a second machine would be: its own process (the SDK allows one worker per task queue in a
   * process), its own host id and its own AWO_HOME. Resolves once it polls.
   */
  async startAnotherWorkerHost(hostId: string): Promise<AppConfig> {
    const home = await mkdtemp(path.join(os.tmpdir(), 'awo-test-host-'));
    this.extraHomes.push(home);
    const env = { ...this.env, AWO_HOME: home, AWO_WORKER_HOST_ID: hostId };
    this.spawnWorkerProcess(env);
    const hostQueue = hostTaskQueueName(this.taskQueue, hostId);
    await waitFor(async () => {
      const description = await this.client.workflowService
        .describeTaskQueue({ namespace: 'default', taskQueue: { name: hostQueue }, taskQueueType: activityTaskQueueType })
        .catch(() => null);
      return (description?.pollers?.length ?? 0) > 0 ? true : null;
    }, `the worker of ${hostId} to poll`, 60_000);
    return loadConfig(env);
  }

  /** Pids of the worker processes this harness started and that are still running. */
  workerPids(): number[] {
    return [...this.workerProcesses].map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** A worker in its own process, started like `npm run start:worker` does (from the built code). */
  spawnWorkerProcess(env: NodeJS.ProcessEnv = this.env): ChildProcess {
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist', 'entrypoints', 'worker-main.js')], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (process.env.AWO_TEST_VERBOSE) process.stderr.write(chunk);
    });
    this.workerProcesses.add(child);
    child.once('exit', () => this.workerProcesses.delete(child));
    return child;
  }

  async createRepository(name: string, defaultBranch = 'main') {
    return this.forge.createRepository({ owner: 'acme', name, defaultBranch });
  }

  async startWorkOrder(options: {
    repositoryUrl: string;
    userRequest?: string;
    selectedCommands: WorkOrderStep[];
    sandboxType?: SandboxType;
    githubIssueNumber?: number;
    agentTimeoutSeconds?: number;
    budget?: Partial<BudgetLimits>;
  }): Promise<WorkflowHandle> {
    const input: WorkOrderInput = {
      agentWorkOrderId: newAgentWorkOrderId(),
      repositoryUrl: options.repositoryUrl,
      userRequest: options.userRequest ?? 'Add a demo plan to the repository',
      sandboxType: options.sandboxType ?? 'git_worktree',
      selectedCommands: options.selectedCommands,
      githubIssueNumber: options.githubIssueNumber,
      createdAt: new Date().toISOString(),
      agentTimeoutSeconds: options.agentTimeoutSeconds ?? 300,
      heartbeatTimeoutSeconds: this.options.heartbeatTimeoutSeconds ?? 10,
      ...(options.budget ? { budget: { ...noBudgetLimits, ...options.budget } } : {}),
    };
    return startWorkOrder(this.client, this.taskQueue, input);
  }

  sandboxPath(agentWorkOrderId: string): string {
    return path.join(this.config.workOrderDir, agentWorkOrderId, 'sandbox');
  }

  async stop(): Promise<void> {
    for (const child of this.workerProcesses) child.kill('SIGKILL');
    if (this.workers) {
      await this.workers.shutdown();
      await this.workerRun?.catch(() => undefined);
    }
    for (const home of this.extraHomes) await rm(home, { recursive: true, force: true });
    await this.workerConnection?.close();
    await this.closeClient?.();
    await this.model?.close();
    await this.forge?.close();
    await rm(this.home, { recursive: true, force: true });
  }
}

/** The final state of a work order, whichever way its workflow ended (the query works on closed workflows). */
export async function finalState(handle: WorkflowHandle): Promise<AgentWorkOrder> {
  await handle.result().catch(() => undefined);
  return handle.query<AgentWorkOrder>('workOrderState');
}

/** The step history as [step, success] pairs, the shape most tests assert on. */
export async function stepOutcomes(handle: WorkflowHandle): Promise<Array<[string, boolean]>> {
  const history = await handle.query<StepHistory>('stepHistory');
  return history.steps.map((step) => [step.step, step.success]);
}

export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
