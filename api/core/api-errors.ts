import type { FieldIssue } from '../../src/models/api-error.js';

export type { FieldIssue } from '../../src/models/api-error.js';

/*
 * Errors the API's services throw; `ApiExceptionFilter` maps each to its HTTP status, once, at the edge. Every message
 * names the field or the reason, so a 4xx body tells the caller what to change.
 */

export class RequestValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
    this.name = 'RequestValidationError';
  }
}

export class WorkOrderNotFoundError extends Error {
  constructor(readonly agentWorkOrderId: string) {
    super(`work order ${agentWorkOrderId} not found`);
    this.name = 'WorkOrderNotFoundError';
  }
}

/** The work order has ended (or is ending): it can no longer take prompts or be cancelled. */
export class WorkOrderEndedError extends Error {
  constructor(
    readonly agentWorkOrderId: string,
    readonly status: string,
    action: string,
  ) {
    super(`work order ${agentWorkOrderId} has ended (${status}); it cannot ${action}`);
    this.name = 'WorkOrderEndedError';
  }
}

/** A decision on a plan for a work order that is not waiting for one (it has not planned yet, or was decided). */
export class NotWaitingForApprovalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotWaitingForApprovalError';
  }
}

/** A dependency (Temporal, GitHub) did not answer: a 503 the caller may retry, without internals in the body. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    message: string,
    /** Sent as `Retry-After`: when the dependency is likely back (e.g. the embedded Temporal server restarting). */
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
    this.name = 'DependencyUnavailableError';
  }
}

/** No valid API token (or session) where one is needed: 401, and the web UI shows its sign-in form. */
export class AuthenticationRequiredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationRequiredError';
  }
}

/** A request the service refuses whoever sends it: a cross-site write (foreign Origin), a CORS preflight from one. */
export class ForbiddenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenRequestError';
  }
}

/** The Host header names another server: a DNS-rebinding page, or a proxy sending the wrong name (421). */
export class MisdirectedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MisdirectedRequestError';
  }
}
