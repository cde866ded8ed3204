import { z } from 'zod';
import { approvalDecisionNames, maxApprovalCommentLength, maxPlanLength } from './plan-approval-rules.js';

export {
  approvalDecisionNames,
  invalidApprovalDecisionErrorType,
  maxApprovalCommentLength,
  maxApprovalTimeoutSeconds,
  maxPlanLength,
  notWaitingForApprovalErrorType,
} from './plan-approval-rules.js';

/**
 * The body of `POST /api/agent-work-orders/{id}/approval`, and the payload of the workflow's `approval` update (whose
 * validator parses it again, so a client that skips the API meets the same rules).
 */
export const approvalDecisionSchema = z
  .strictObject(
    {
      decision: z.enum(approvalDecisionNames, { message: `must be one of: ${approvalDecisionNames.join(', ')}` }),
      /** For `edit`: the plan the later steps receive instead of the one the planning step wrote. */
      plan: z
        .string({ message: 'must be a string' })
        .max(maxPlanLength, `must be at most ${maxPlanLength} characters`)
        .regex(/\S/, 'must not be empty')
        .optional(),
      /** For `reject`: the reason the work order is cancelled with; kept with any decision. */
      comment: z.string({ message: 'must be a string' }).max(maxApprovalCommentLength, `must be at most ${maxApprovalCommentLength} characters`).optional(),
    },
    { message: 'must be a JSON object' },
  )
  .superRefine((body, ctx) => {
    if (body.decision === 'edit' && body.plan === undefined) {
      ctx.addIssue({ code: 'custom', path: ['plan'], message: 'is required when decision is edit', params: { rule: 'required' } });
    }
    if (body.decision !== 'edit' && body.plan !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['plan'], message: 'is only taken when decision is edit', params: { rule: 'only_with_edit' } });
    }
  });
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;
