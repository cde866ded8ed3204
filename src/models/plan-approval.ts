import { z } from 'zod';

/**
 * A plan is a document a person may paste back edited: long enough for a detailed plan (they run 5-15 k characters),
 * and a body one character over it, JSON-escaped at up to 12 bytes a character, still within the 512 KB body limit.
 */
export const maxPlanLength = 40_000;
export const maxApprovalCommentLength = 2_000;
/** The longest wait for approval a work order may ask for: a year. */
export const maxApprovalTimeoutSeconds = 365 * 24 * 60 * 60;

export const approvalDecisionNames = ['approve', 'edit', 'reject'] as const;

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

/** The error types the approval update's validator rejects with; the API answers 409 and 422 for them. */
export const notWaitingForApprovalErrorType = 'NotWaitingForApproval';
export const invalidApprovalDecisionErrorType = 'InvalidApprovalDecision';
