import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CreateWorkOrderRequest,
  listWorkOrdersQuerySchema,
  type ListWorkOrdersQuery,
  promptRequestSchema,
  type PromptRequest,
  workOrderIdParamSchema,
  workOrderLogsQuerySchema,
  type WorkOrderLogsQuery,
  workOrderLogStreamQuerySchema,
  type WorkOrderLogStreamQuery,
} from '../../src/models/work-order-request.js';
import { apiErrorSchema } from '../../src/models/api-error.js';
import { type ApprovalDecision, approvalDecisionSchema } from '../../src/models/plan-approval.js';
import { type AgentWorkOrder, agentWorkOrderSchema, type GitProgress, gitProgressSchema, type StepHistory, stepHistorySchema } from '../../src/models/work-order.js';
import { ApiConfiguredBody, openApiSchema } from '../core/openapi.js';
import { sendJsonOnce } from '../core/json-once.js';
import { RequestValidationError } from '../core/api-errors.js';
import { CreateWorkOrderBodyPipe } from './create-work-order.pipe.js';
import {
  agentWorkOrderListSchema,
  cancelAcknowledgementSchema,
  type CancelAcknowledgement,
  createWorkOrderResponseSchema,
  type CreateWorkOrderResponse,
  promptAcknowledgementSchema,
  type PromptAcknowledgement,
  workOrderLogsSchema,
  type WorkOrderLogs,
} from './work-order.dto.js';
import { WorkOrderLogStreamService } from './work-order-log-stream.service.js';
import { WorkOrderLogsService } from './work-order-logs.service.js';
import { WorkOrdersService } from './work-orders.service.js';
import { TemporalAvailableGuard } from '../core/temporal-available.guard.js';
import { TemporalAvailableInterceptor } from '../core/temporal-available.interceptor.js';

export const workOrdersRoutePrefix = 'api/agent-work-orders';

const idParam = { schema: workOrderIdParamSchema };
const errorResponse = (status: number, description: string) => ApiResponse({ status, description, standardSchema: apiErrorSchema });

/** Parses, calls the service, returns its answer: the routes of Archon's agent-work-orders API. */
@ApiTags('agent work orders')
@Controller(workOrdersRoutePrefix)
@UseGuards(TemporalAvailableGuard)
@UseInterceptors(TemporalAvailableInterceptor)
export class WorkOrdersController {
  constructor(
    private readonly workOrders: WorkOrdersService,
    private readonly logs: WorkOrderLogsService,
    private readonly logStream: WorkOrderLogStreamService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Start a work order' })
  @ApiConfiguredBody('CreateWorkOrderRequest')
  @ApiResponse({ status: 201, standardSchema: createWorkOrderResponseSchema })
  @errorResponse(422, 'invalid request: the errors name each field and rule')
  create(@Body(CreateWorkOrderBodyPipe) request: CreateWorkOrderRequest): Promise<CreateWorkOrderResponse> {
    return this.workOrders.create(request);
  }

  @Get()
  @ApiOperation({ summary: 'List work orders, newest first' })
  @ApiOkResponse({ standardSchema: agentWorkOrderListSchema })
  @errorResponse(422, 'invalid status or limit')
  async list(@Query({ schema: listWorkOrdersQuerySchema }) query: ListWorkOrdersQuery, @Res() response: ServerResponse): Promise<void> {
    // The page is the cache's own array while it is fresh: its JSON is made once, not per poll.
    sendJsonOnce(response, await this.workOrders.list(query));
  }

  @Get(':agent_work_order_id')
  @ApiOperation({ summary: 'One work order' })
  @ApiOkResponse({ standardSchema: agentWorkOrderSchema })
  @errorResponse(404, 'no such work order')
  async get(@Param('agent_work_order_id', idParam) agentWorkOrderId: string, @Res() response: ServerResponse): Promise<void> {
    // The same object while the work order's history is unchanged: its JSON is made once, not per poll.
    sendJsonOnce(response, await this.workOrders.get(agentWorkOrderId));
  }

  @Get(':agent_work_order_id/git-progress')
  @ApiOperation({ summary: 'Git evidence of the work order: phase, branch, commits, files changed' })
  @ApiOkResponse({ standardSchema: gitProgressSchema })
  @errorResponse(404, 'no such work order')
  gitProgress(@Param('agent_work_order_id', idParam) agentWorkOrderId: string): Promise<GitProgress> {
    return this.workOrders.gitProgress(agentWorkOrderId);
  }

  @Get(':agent_work_order_id/steps')
  @ApiOperation({ summary: 'Step history, user prompts included' })
  @ApiOkResponse({ standardSchema: stepHistorySchema })
  @errorResponse(404, 'no such work order')
  steps(@Param('agent_work_order_id', idParam) agentWorkOrderId: string): Promise<StepHistory> {
    return this.workOrders.steps(agentWorkOrderId);
  }

  @Get(':agent_work_order_id/logs')
  @ApiOperation({ summary: 'A page of the work order log (worker events and agent stream-json events)' })
  @ApiOkResponse({ standardSchema: workOrderLogsSchema })
  @errorResponse(404, 'no such work order')
  @errorResponse(422, 'invalid limit, offset, level or step')
  logPage(@Param('agent_work_order_id', idParam) agentWorkOrderId: string, @Query({ schema: workOrderLogsQuerySchema }) query: WorkOrderLogsQuery): Promise<WorkOrderLogs> {
    return this.logs.page(agentWorkOrderId, query);
  }

  @Get(':agent_work_order_id/logs/stream')
  @ApiOperation({ summary: 'Server-sent events: the log backlog, then live entries; an `end` event when the work order has ended' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'one `data:` event per log entry (id = line number), keep-alive comments, a final `event: end`' })
  @errorResponse(404, 'no such work order')
  async logStreamEvents(
    @Param('agent_work_order_id', idParam) agentWorkOrderId: string,
    @Query({ schema: workOrderLogStreamQuerySchema }) query: WorkOrderLogStreamQuery,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): Promise<void> {
    await this.workOrders.assertExists(agentWorkOrderId);
    await this.logStream.stream(agentWorkOrderId, query, request, response);
  }

  @Post(':agent_work_order_id/prompt')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Send a prompt to the running agent session' })
  @ApiBody({ schema: openApiSchema(promptRequestSchema) })
  @ApiResponse({ status: 202, standardSchema: promptAcknowledgementSchema })
  @errorResponse(404, 'no such work order')
  @errorResponse(409, 'the work order has ended')
  @errorResponse(422, 'empty or too long prompt, or a body agent_work_order_id other than the path id')
  prompt(@Param('agent_work_order_id', idParam) agentWorkOrderId: string, @Body({ schema: promptRequestSchema }) body: PromptRequest): Promise<PromptAcknowledgement> {
    if (body.agent_work_order_id !== undefined && body.agent_work_order_id !== agentWorkOrderId) {
      throw new RequestValidationError([{ field: 'agent_work_order_id', message: `must equal the work order id in the path (${agentWorkOrderId})`, rule: 'matches_path' }]);
    }
    return this.workOrders.prompt(agentWorkOrderId, body.prompt_text);
  }

  @Post(':agent_work_order_id/approval')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Approve, edit or reject the plan a work order waits with (status waiting_for_approval)' })
  @ApiBody({ schema: { $ref: '#/components/schemas/ApprovalDecision' } })
  @ApiOkResponse({ description: 'the work order as the decision left it', standardSchema: agentWorkOrderSchema })
  @errorResponse(404, 'no such work order')
  @errorResponse(409, 'the work order is not waiting for approval')
  @errorResponse(422, 'unknown decision, an edit without a plan, or a plan or comment too long')
  decideApproval(@Param('agent_work_order_id', idParam) agentWorkOrderId: string, @Body({ schema: approvalDecisionSchema }) body: ApprovalDecision): Promise<AgentWorkOrder> {
    return this.workOrders.decideApproval(agentWorkOrderId, body);
  }

  @Post(':agent_work_order_id/cancel')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Cancel a running work order' })
  @ApiResponse({ status: 202, standardSchema: cancelAcknowledgementSchema })
  @errorResponse(404, 'no such work order')
  @errorResponse(409, 'the work order has ended')
  cancel(@Param('agent_work_order_id', idParam) agentWorkOrderId: string): Promise<CancelAcknowledgement> {
    return this.workOrders.cancel(agentWorkOrderId);
  }
}

