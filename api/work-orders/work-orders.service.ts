import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { AppConfig } from '../../src/config.js';
import { newAgentWorkOrderId } from '../../src/ids.js';
import type { Logger } from '../../src/logger.js';
import { type CreateWorkOrderRequest, type ListWorkOrdersQuery, toWorkOrderInput } from '../../src/models/work-order-request.js';
import { type AgentWorkOrder, endedStatuses, type GitProgress, type StepHistory, workOrderInputSchema } from '../../src/models/work-order.js';
import { isOpenExecution } from '../../temporal/client/work-order-status.js';
import { type ApprovalDecision, invalidApprovalDecisionErrorType, notWaitingForApprovalErrorType } from '../../src/models/plan-approval.js';
import { approvalUpdate, promptSignal } from '../../workflows/messages.js';
import { awoStatusKey } from '../../workflows/search-attributes.js';
import { NotWaitingForApprovalError, RequestValidationError, WorkOrderEndedError } from '../core/api-errors.js';
import { API_LOGGER, APP_CONFIG } from '../core/api-tokens.js';
import type { CancelAcknowledgement, CreateWorkOrderResponse, PromptAcknowledgement } from './work-order.dto.js';
import { WorkOrderStateReader } from './work-order-state.reader.js';
import { SETTINGS_SERVICE } from '../settings/configuration-store.module.js';
import type { SettingsService } from '../../src/settings/settings-service.js';
import { githubTokenProblem } from '../../src/readiness/work-readiness.js';
import { type ExecutionSummary, WorkOrderGateway, WorkOrderUpdateRefused } from './work-order-gateway.js';

/** Starting, listing, prompting and cancelling work orders; every decision about a work order's lifecycle is here. */
@Injectable()
export class WorkOrdersService {
  constructor(
    private readonly gateway: WorkOrderGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(API_LOGGER) private readonly logger: Logger,
    private readonly reader: WorkOrderStateReader,
    @Inject(SETTINGS_SERVICE) private readonly settings: SettingsService,
  ) {}

  async create(request: CreateWorkOrderRequest): Promise<CreateWorkOrderResponse> {
    // Two ids colliding is a 1-in-4-billion event per pair; trying a second id is cheaper than explaining a 500.
    // The timeout in effect now (environment, else a saved setting) is fixed into the work order's input.
    // Asked at once: each is a read of the settings store, and the POST waits for all three before Temporal is asked.
    const [agentTimeoutSeconds, budgetDefaults] = await Promise.all([
      this.settings.value('agent_timeout_seconds'),
      this.settings.budgetDefaults(),
      this.assertGithubToken(),
    ]);
    for (let attempt = 1; ; attempt += 1) {
      const input = workOrderInputSchema.parse(
        toWorkOrderInput(request, {
          agentWorkOrderId: newAgentWorkOrderId(),
          createdAt: new Date().toISOString(),
          agentTimeoutSeconds,
          pushRetrySeconds: this.config.AWO_PUSH_RETRY_SECONDS,
          budgetDefaults,
          approvalTimeoutSeconds: this.config.AWO_APPROVAL_TIMEOUT,
        }),
      );
      try {
        await this.gateway.start(input);
        this.reader.listChanged();
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError && attempt < 3) continue;
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

  /** Refused here rather than at the push an hour later, and before any sandbox is made. */
  private async assertGithubToken(): Promise<void> {
    const problem = await githubTokenProblem(() => this.settings.githubToken());
    if (problem) throw new RequestValidationError([{ field: 'github_token', message: problem, rule: 'required' }]);
  }

  /** From visibility (memo and search attributes), so the list survives API restarts and agrees across replicas. */
  list(query: ListWorkOrdersQuery): Promise<AgentWorkOrder[]> {
    return this.reader.list(query);
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
    const { execution, state } = await this.assertNotEnded(agentWorkOrderId, 'take prompts');
    const waiting = await this.reader.pendingPrompts(execution);
    const promptId = `prompt-${randomUUID()}`;
    await this.gateway.signal(agentWorkOrderId, promptSignal, { prompt_text: promptText, prompt_id: promptId });
    this.reader.promptSent(agentWorkOrderId);
    this.logger.info({ event: 'api_prompt_queued', agent_work_order_id: agentWorkOrderId, prompt_id: promptId }, 'api_prompt_queued');
    const position = waiting ? waiting.length + 1 : null;
    return {
      agent_work_order_id: agentWorkOrderId,
      prompt_id: promptId,
      queued_position: position,
      message:
        state.status === 'waiting_for_approval'
          ? `prompt queued${position === null ? '' : ` at position ${position}`}; the plan waits for approval, and the prompt runs as a turn of the agent session once it is approved`
          : position === null
          ? 'prompt queued; it runs as a turn of the agent session once a worker picks the work order up'
          : `prompt queued at position ${position}; it goes into the running agent after its current tool call, or else runs as a turn of the agent session after the current step`,
    };
  }

  /**
   * A person's decision on the plan a work order waits with, through the workflow's `approval` update: its validator
   * refuses (writing nothing) when nothing waits, so two people deciding at once get one answer each, never two
   * decisions. Answers with the state the decision led to.
   */
  async decideApproval(agentWorkOrderId: string, decision: ApprovalDecision): Promise<AgentWorkOrder> {
    const execution = await this.reader.describe(agentWorkOrderId);
    // The server's copy of the status the workflow last published answers most refusals without waking a worker; the
    // update's validator still decides the races.
    const publishedStatus = execution.typedSearchAttributes.get(awoStatusKey);
    if (!isOpenExecution(execution) || (publishedStatus !== undefined && publishedStatus !== 'waiting_for_approval')) {
      const status = isOpenExecution(execution) ? publishedStatus : (await this.reader.stateOf(execution)).status;
      throw new NotWaitingForApprovalError(`work order ${agentWorkOrderId} is not waiting for approval (status: ${status})`);
    }
    try {
      const state = await this.gateway.update(agentWorkOrderId, approvalUpdate, decision);
      this.logger.info({ event: 'api_approval_decided', agent_work_order_id: agentWorkOrderId, decision: decision.decision, status: state.status }, 'api_approval_decided');
      return (await this.reader.withQueuePositions([state]))[0]!;
    } catch (error) {
      if (error instanceof WorkOrderUpdateRefused && error.type === notWaitingForApprovalErrorType) throw new NotWaitingForApprovalError(error.message);
      if (error instanceof WorkOrderUpdateRefused && error.type === invalidApprovalDecisionErrorType) {
        throw new RequestValidationError([{ field: 'body', message: error.message, rule: 'invalid' }]);
      }
      throw error;
    }
  }

  async cancel(agentWorkOrderId: string): Promise<CancelAcknowledgement> {
    await this.assertNotEnded(agentWorkOrderId, 'be cancelled');
    await this.gateway.cancel(agentWorkOrderId);
    this.reader.listChanged();
    this.logger.info({ event: 'api_cancel_requested', agent_work_order_id: agentWorkOrderId }, 'api_cancel_requested');
    return { agent_work_order_id: agentWorkOrderId, status: 'cancelling', message: 'cancellation requested; the agent is stopped and the sandbox removed' };
  }

  /** The open execution, or WorkOrderEndedError: closed, or past its last step and cleaning up. */
  private async assertNotEnded(agentWorkOrderId: string, action: string): Promise<{ execution: ExecutionSummary; state: AgentWorkOrder }> {
    const execution = await this.reader.describe(agentWorkOrderId);
    const state = await this.reader.stateOf(execution);
    if (!isOpenExecution(execution) || endedStatuses.includes(state.status)) throw new WorkOrderEndedError(agentWorkOrderId, state.status, action);
    return { execution, state };
  }
}
