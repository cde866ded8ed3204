import { Context } from '@temporalio/activity';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createAdmissionActivities } from '../../activities/admission.activities.js';
import type { createActivities } from '../../activities/create-activities.js';
import { createPrepareWorkOrderActivity, type PrepareWorkOrderParts } from '../../activities/prepare-work-order.activity.js';
import type { CreatePullRequestInput, CreatePullRequestResult, RunAgentInput, RunAgentResult, SetupSandboxInput, SetupSandboxResult, TrackPhaseResult } from '../../activities/activity-types.js';
import { newAgentWorkOrderId } from '../../src/ids.js';
import type { WorkOrderInput, WorkOrderPhase, WorkOrderStep } from '../../src/models/work-order.js';
import { hostTaskQueueName } from '../../temporal/worker/task-queues.js';
import { workOrderWorkflowBundle } from '../../temporal/worker/workflow-bundle.js';
import { installWorkerRuntime } from '../../temporal/worker/worker-runtime.js';
import { createLogger } from '../../src/logger.js';
import { workOrderOpenProbe } from '../../temporal/client/work-order-status.js';
import { startWorkOrder } from '../../temporal/client/work-order-starter.js';
import { connectTestClient, testTemporalAddress, uniqueTaskQueue } from './temporal-env.js';

export type WorkOrderActivities = ReturnType<typeof createActivities> & ReturnType<typeof createAdmissionActivities> & ReturnType<typeof createPrepareWorkOrderActivity>;
type ActivityName = keyof WorkOrderActivities;

export interface ActivityCall {
  name: ActivityName;
  input: unknown;
}

const phaseAfter: Record<string, WorkOrderPhase> = {
  'create-branch': 'setup',
  planning: 'planning',
  execute: 'implementing',
  commit: 'committed',
  'create-pr': 'pr_created',
  'prp-review': 'reviewing',
  'user-prompt': 'implementing',
};

/** Waits while the activity heartbeats, so a cancellation reaches it (the workflow waits for it to end). */
export async function heartbeatUntil(release: Promise<unknown>): Promise<void> {
  const context = Context.current();
  let released = false;
  void release.then(() => {
    released = true;
  });
  while (!released) {
    context.heartbeat();
    await Promise.race([release, context.cancelled, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
}

export function agentSuccess(input: RunAgentInput, extra: Partial<RunAgentResult> = {}): RunAgentResult {
  return {
    success: true,
    sessionId: 'session-fake',
    output: `${input.step} done`,
    errorMessage: null,
    durationSeconds: 1,
    costUsd: 0.01,
    resumedAfterCrash: false,
    deliveredPromptIds: [],
    ...extra,
  };
}

/**
 * The real work-order workflow (bundled as the service bundles it) and the real admission controller on the global
 * dev server, with fake sandbox, agent and forge activities: the workflow's logic in seconds, no git, no CLI.
 */
export class FakeWorkOrderWorker {
  readonly taskQueue = uniqueTaskQueue('fake');
  readonly hostTaskQueue = hostTaskQueueName(this.taskQueue, 'fake-host');
  readonly calls: ActivityCall[] = [];
  client!: Client;
  private closeClient!: () => Promise<void>;
  private connection!: NativeConnection;
  private workers: Worker[] = [];
  private runs: Promise<void>[] = [];
  private overrides: Partial<WorkOrderActivities> = {};
  private commitCount = 0;

  constructor(private readonly options: { maxConcurrent?: number; pollHostQueue?: boolean } = {}) {}

  async start(): Promise<this> {
    installWorkerRuntime(createLogger('warn'));
    const { client, connection } = await connectTestClient();
    this.client = client;
    this.closeClient = () => connection.close();
    this.connection = await NativeConnection.connect({ address: testTemporalAddress() });
    const activities = this.activities();
    const workflowBundle = await workOrderWorkflowBundle();
    this.workers.push(await Worker.create({ connection: this.connection, taskQueue: this.taskQueue, workflowBundle, activities }));
    if (this.options.pollHostQueue !== false) {
      this.workers.push(await Worker.create({ connection: this.connection, taskQueue: this.hostTaskQueue, activities }));
    }
    this.runs = this.workers.map((worker) => worker.run());
    return this;
  }

  /** Replaces some activities for the next work orders (the others keep their happy-path fakes). */
  use(overrides: Partial<WorkOrderActivities>): void {
    this.overrides = overrides;
  }

  callsOf(name: ActivityName): unknown[] {
    return this.calls.filter((call) => call.name === name).map((call) => call.input);
  }

  async startWorkOrder(options: Partial<WorkOrderInput> & { selectedCommands?: WorkOrderStep[] } = {}): Promise<WorkflowHandle> {
    const input: WorkOrderInput = {
      agentWorkOrderId: newAgentWorkOrderId(),
      repositoryUrl: 'https://forge.example/acme/fake',
      userRequest: 'Add a demo file',
      sandboxType: 'git_worktree',
      selectedCommands: ['create-branch', 'planning', 'execute', 'commit', 'create-pr'],
      createdAt: new Date().toISOString(),
      agentTimeoutSeconds: 60,
      heartbeatTimeoutSeconds: 5,
      ...options,
    };
    return startWorkOrder(this.client, this.taskQueue, input);
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.all(this.runs.map((run) => run.catch(() => undefined)));
    await this.connection?.close();
    await this.closeClient?.();
  }

  private activities(): WorkOrderActivities {
    const admission = () =>
      createAdmissionActivities({
        client: this.client,
        sharedTaskQueue: this.taskQueue,
        maxConcurrent: async () => this.options.maxConcurrent ?? 5,
        isWorkOrderOpen: workOrderOpenProbe(this.client),
      });
    const defaults: WorkOrderActivities = {
      requestAdmission: (input) => admission().requestAdmission(input),
      joinAdmission: (input) => admission().joinAdmission(input),
      listOpenWorkOrders: (input) => admission().listOpenWorkOrders(input),
      setupSandbox: async (input) => this.sandbox(input),
      loadIssue: async (input) => `Issue #${input.issueNumber}: make it so`,
      // Like the real one: the three parts below (each recorded, each replaceable) at once.
      prepareWorkOrder: (input) => createPrepareWorkOrderActivity(recorded as unknown as PrepareWorkOrderParts).prepareWorkOrder(input),
      // Like the real activities: the git observation rides with the result when the workflow asks for it.
      runAgent: async (input) => this.agentResult(input),
      deliverPrompt: async () => undefined,
      detectBranch: async () => ({ branchName: 'feat/fake' }),
      trackPhase: async (input) => this.observe(input.step, input.pullRequestUrl),
      createPR: async (input) => this.openedPullRequest(input),
      readPlan: async (input) => ({ planText: `# Plan\n\n${input.planOutput ?? ''}\n`, planPath: 'PRPs/features/plan.md' }),
      writePlan: async () => undefined,
      cleanup: async () => undefined,
    } as WorkOrderActivities;
    const recorded = {} as Record<string, (input: unknown) => Promise<unknown>>;
    for (const name of Object.keys(defaults) as ActivityName[]) {
      recorded[name] = async (input: unknown) => {
        this.calls.push({ name, input });
        const implementation = (this.overrides[name] ?? defaults[name]) as (input: unknown) => Promise<unknown>;
        return implementation(input);
      };
    }
    return recorded as unknown as WorkOrderActivities;
  }

  /** The sandbox the fake's setup makes: on this worker's host queue, at the default branch `main`. */
  sandbox(input: SetupSandboxInput): SetupSandboxResult {
    return {
      repository: { owner: 'acme', name: 'fake', htmlUrl: input.repositoryUrl, cloneUrl: `${input.repositoryUrl}.git` },
      sandboxPath: `/fake/work-orders/${input.agentWorkOrderId}/sandbox`,
      baseBranch: 'main',
      baseRef: '0000000000000000000000000000000000000000',
      mirrorPath: '/fake/repositories/acme/fake.git',
      hostTaskQueue: this.hostTaskQueue,
      reused: false,
    };
  }

  /** A successful agent step as the real activity returns it: with the git observation when the workflow asks for it. */
  agentResult(input: RunAgentInput, extra: Partial<RunAgentResult> = {}): RunAgentResult {
    const result = agentSuccess(input, { ...(input.observe ? { observation: this.observe(input.step, input.observe.pullRequestUrl) } : {}), ...extra });
    // Like the real step before create-pr, it opens the pull request when asked to; a test that replaces createPR
    // tests createPR itself, so then the step leaves it to that activity (as the real one does when opening fails).
    const early = input.pushForPullRequest?.pullRequest;
    if (!early || !result.success || this.overrides.createPR) return result;
    return { ...result, pullRequest: { ...this.openedPullRequest(early), durationSeconds: 0.01 } };
  }

  private openedPullRequest(input: CreatePullRequestInput): CreatePullRequestResult {
    const opened = { pullRequestUrl: 'https://forge.example/acme/fake/pull/1', pullRequestNumber: 1, branchName: input.branchName ?? 'feat/fake', created: true };
    return input.observe ? { ...opened, observation: this.observe('create-pr', opened.pullRequestUrl) } : opened;
  }

  /** Git as the fake agents leave it: a branch, and one more commit after every step but create-branch and the PR. */
  private observe(step: string | null, pullRequestUrl: string | null): TrackPhaseResult {
    if (step !== null && step !== 'create-branch') this.commitCount += step === 'create-pr' ? 0 : 1;
    return {
      phase: pullRequestUrl ? 'pr_created' : phaseAfter[step ?? 'create-branch']!,
      evidence: {
        branchName: 'feat/fake',
        headSha: 'abc',
        commitCount: this.commitCount,
        filesChanged: this.commitCount,
        latestCommitMessage: this.commitCount > 0 ? `commit ${this.commitCount}` : null,
        uncommittedFiles: 0,
      },
    };
  }
}
