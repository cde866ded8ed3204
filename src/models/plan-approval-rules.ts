/*
 * The plan approval's limits and names without zod (the schema is in plan-approval.ts): the workflow bundle imports
 * these, and every module it imports is evaluated again for each workflow run in the worker's sandbox.
 */

/**
 * A plan is a document a person may paste back edited: long enough for a detailed plan (they run 5-15 k characters),
 * and a body one character over it, JSON-escaped at up to 12 bytes a character, still within the 512 KB body limit.
 */
export const maxPlanLength = 40_000;
export const maxApprovalCommentLength = 2_000;
/** The longest wait for approval a work order may ask for: a year. */
export const maxApprovalTimeoutSeconds = 365 * 24 * 60 * 60;

export const approvalDecisionNames = ['approve', 'edit', 'reject'] as const;

/** The error types the approval update's validator rejects with; the API answers 409 and 422 for them. */
export const notWaitingForApprovalErrorType = 'NotWaitingForApproval';
export const invalidApprovalDecisionErrorType = 'InvalidApprovalDecision';
