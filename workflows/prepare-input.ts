import type { PrepareWorkOrderInput } from '../activities/activity-types.js';
import type { WorkOrderInput } from '../src/models/work-order.js';

/** What a work order's prepare is asked: built the same way by the workflow and by the API that begins it early. */
export function prepareInputOf(input: WorkOrderInput): PrepareWorkOrderInput {
  return {
    agentWorkOrderId: input.agentWorkOrderId,
    repositoryUrl: input.repositoryUrl,
    sandboxType: input.sandboxType,
    submittedAt: input.createdAt,
    issueNumber: input.githubIssueNumber ?? null,
  };
}
