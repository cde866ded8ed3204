import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowExecutionInfo } from '@temporalio/client';
import type { AppConfig } from '../../src/config.js';
import { newAgentWorkOrderId } from '../../src/ids.js';
import type { Logger } from '../../src/logger.js';
import { type CreateWorkOrderRequest, type ListWorkOrdersQuery, toWorkOrderInput } from '../../src/models/work-order-request.js';
import { type AgentWorkOrder, endedStatuses, type GitProgress, type WorkOrderStatus, workOrderInputSchema } from '../../src/models/work-order.js';
import { startWorkOrder } from '../../temporal/client/work-order-starter.js';
import { promptSignal, type StepHistory, workOrderWorkflowName } from '../../workflows/messages.js';
import { WorkOrderEndedError } from '../core/api-errors.js';
import { API_LOGGER, APP_CONFIG, TEMPORAL_CLIENT } from '../core/api-tokens.js';
import type { CancelAcknowledgement, CreateWorkOrderResponse, PromptAcknowledgement } from './work-order.dto.js';
import { WorkOrderStateReader } from './work-order-state.reader.js';
import { SETTINGS_SERVICE } from '../settings/configuration-store.module.js';
import type { SettingsService } from '../../src/settings/settings-service.js';
import { isTemporalUnavailable, temporalUnavailable } from './temporal-errors.js';

/** How many listed work orders are resolved to their full state at once. */
const listConcurrency = 8;
/** Visibility rows scanned for one list: the newest-first sort happens here, the dev server cannot ORDER BY. */
const maxScannedExecutions = 5_000;

/**
 * Which executions a status filter means: the search attribute the workflow keeps, corrected by the server's own
 * status for workflows that ended without writing theirs (terminated, timed out).
 */
const statusFilters: Record<WorkOrderStatus, string> = {
  pending: `AwoStatus = 'pending' AND ExecutionStatus = 'Running'`,
  running: `AwoStatus = 'running' AND ExecutionStatus = 'Running'`,
  completed: `AwoStatus = 'completed'`,
  failed: `(AwoStatus = 'failed' OR ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut'))`,
  cancelled: `(AwoStatus = 'cancelled' OR ExecutionStatus = 'Canceled')`,
};

/** Starting, listing, prompting and cancelling work orders; every decision about a work order's lifecycle is here. */
@Injectable()
export class WorkOrdersService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(API_LOGGER) private readonly logger: Logger,
    private readonly reader: WorkOrderStateReader,
    @Inject(SETTINGS_SERVICE) private readonly settings: SettingsService,
  ) {}

  async create(request: CreateWorkOrderRequest): Promise<CreateWorkOrderResponse> {
    // Two ids colliding is a 1-in-4-billion event per pair; trying a second id is cheaper than explaining a 500.
    // The timeout in effect now (environment, else a saved setting) is fixed into the work order's input.
    const agentTimeoutSeconds = await this.settings.value('agent_timeout_seconds');
    for (let attempt = 1; ; attempt += 1) {
      const input = workOrderInputSchema.parse(
        toWorkOrderInput(request, {
          agentWorkOrderId: newAgentWorkOrderId(),
          createdAt: new Date().toISOString(),
          agentTimeoutSeconds,
          pushRetrySeconds: this.config.AWO_PUSH_RETRY_SECONDS,
        }),
      );
      try {
        await startWorkOrder(this.client, this.config.AWO_TASK_QUEUE, input);
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError && attempt < 3) continue;
        if (isTemporalUnavailable(error)) throw temporalUnavailable(error);
        throw error;
      }
      this.logger.info(
        { event: 'api_work_order_started', agent_work_order_id: input.agentWorkOrderId, repository_url: input.repositoryUrl, steps: input.selectedCommands },
        'api_work_order_started',
      );
      return {
        agent_work_order_id: input.agentWorkOrderId,
        status: 'pending',
        message: `work order started with steps ${input.selectedCommands.join(', ')}; follow it at /api/agent-work-orders/${input.agentWorkOrderId}`,
      };
    }
  }

  /** From visibility (search attributes), so the list survives API restarts and agrees across replicas. */
  async list(query: ListWorkOrdersQuery): Promise<AgentWorkOrder[]> {
    const conditions = [`WorkflowType = '${workOrderWorkflowName}'`, `TaskQueue = '${this.config.AWO_TASK_QUEUE}'`];
    if (query.status) conditions.push(statusFilters[query.status]);
    const executions: WorkflowExecutionInfo[] = [];
    try {
      for await (const execution of this.client.workflow.list({ query: conditions.join(' AND ') })) {
        executions.push(execution);
        if (executions.length >= maxScannedExecutions) break;
      }
    } catch (error) {
      if (isTemporalUnavailable(error)) throw temporalUnavailable(error);
      throw error;
    }
    executions.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    const states = await mapWithConcurrency(executions.slice(0, query.limit), listConcurrency, (execution) => this.reader.stateOf(execution));
    return this.reader.withQueuePositions(states);
  }

  async get(agentWorkOrderId: string): Promise<AgentWorkOrder> {
    return this.reader.state(agentWorkOrderId);
  }

  gitProgress(agentWorkOrderId: string): Promise<GitProgress> {
    return this.reader.gitProgress(agentWorkOrderId);
  }

  steps(agentWorkOrderId: string): Promise<StepHistory> {
    return this.reader.steps(agentWorkOrderId);
  }

  async assertExists(agentWorkOrderId: string): Promise<void> {
    await this.reader.describe(agentWorkOrderId);
  }

  /**
   * Queues a prompt through the workflow's signal. It runs as the next turn of the agent session once the current
   * step ends; a work order that has ended (or is cleaning up after its last step) takes no more prompts.
   */
  async prompt(agentWorkOrderId: string, promptText: string): Promise<PromptAcknowledgement> {
    await this.assertNotEnded(agentWorkOrderId, 'take prompts');
    const waiting = await this.reader.pendingPrompts(agentWorkOrderId);
    const promptId = `prompt-${randomUUID()}`;
    await this.client.workflow.getHandle(agentWorkOrderId).signal(promptSignal, { prompt_text: promptText, prompt_id: promptId });
    this.logger.info({ event: 'api_prompt_queued', agent_work_order_id: agentWorkOrderId, prompt_id: promptId }, 'api_prompt_queued');
    const position = waiting ? waiting.length + 1 : null;
    return {
      agent_work_order_id: agentWorkOrderId,
      prompt_id: promptId,
      queued_position: position,
      message:
        position === null
          ? 'prompt queued; it runs as a turn of the agent session once a worker picks the work order up'
          : `prompt queued at position ${position}; it goes into the running agent after its current tool call, or else runs as a turn of the agent session after the current step`,
    };
  }

  async cancel(agentWorkOrderId: string): Promise<CancelAcknowledgement> {
    await this.assertNotEnded(agentWorkOrderId, 'be cancelled');
    await this.client.workflow.getHandle(agentWorkOrderId).cancel();
    this.logger.info({ event: 'api_cancel_requested', agent_work_order_id: agentWorkOrderId }, 'api_cancel_requested');
    return { agent_work_order_id: agentWorkOrderId, status: 'cancelling', message: 'cancellation requested; the agent is stopped and the sandbox removed' };
  }

  private async assertNotEnded(agentWorkOrderId: string, action: string): Promise<void> {
    const execution = await this.reader.describe(agentWorkOrderId);
    if (execution.status.name !== 'RUNNING') throw new WorkOrderEndedError(agentWorkOrderId, (await this.reader.stateOf(execution)).status, action);
    const state = await this.reader.stateOf(execution);
    if (endedStatuses.includes(state.status)) throw new WorkOrderEndedError(agentWorkOrderId, state.status, action);
  }
}

async function mapWithConcurrency<T, R>(items: T[], concurrency: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
