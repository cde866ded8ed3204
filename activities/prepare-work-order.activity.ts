import { ApplicationFailure } from '@temporalio/common';
import type { EarlyPrepares } from '../temporal/worker/early-prepares.js';
import type { LoadIssueInput, PrepareWorkOrderInput, PrepareWorkOrderResult, SetupSandboxInput, SetupSandboxResult } from './activity-types.js';

export interface PrepareWorkOrderParts {
  setupSandbox(input: SetupSandboxInput): Promise<SetupSandboxResult>;
  joinAdmission(input: { agentWorkOrderId: string; submittedAt: string }): Promise<{ controllerId: string; granted: boolean }>;
  loadIssue(input: LoadIssueInput): Promise<string>;
}

/**
 * Everything a work order needs before its first agent, at the same time instead of one after another: its place at
 * the admission controller, its sandbox and its issue's text. The sandbox may so exist while the work order still
 * waits for a slot (no agent runs before the grant). A retried attempt joins again (the controller keeps one place per
 * work order) and sets up again (setup reuses what an earlier attempt made).
 */
async function prepareNow(parts: PrepareWorkOrderParts, input: PrepareWorkOrderInput): Promise<PrepareWorkOrderResult> {
  const { agentWorkOrderId, repositoryUrl, sandboxType, submittedAt, issueNumber } = input;
  const [sandbox, admission, issueText] = await Promise.allSettled([
    parts.setupSandbox({ agentWorkOrderId, repositoryUrl, sandboxType }),
    parts.joinAdmission({ agentWorkOrderId, submittedAt }),
    issueNumber ? parts.loadIssue({ agentWorkOrderId, repositoryUrl, issueNumber }) : Promise.resolve(null),
  ]);
  // Each settled before anything is thrown, so no part runs on unobserved; the sandbox's failure goes first, as its
  // type tells whether retrying can help (a missing repository cannot).
  return { sandbox: settledValue(sandbox), admission: settledValue(admission), issueText: settledValue(issueText) };
}

/** Prepares the API of this process began (see EarlyPrepares), and how taking one is told in the work order's log. */
export interface EarlyPrepareTaking {
  prepares: EarlyPrepares;
  taken(agentWorkOrderId: string): void;
}

/** `early`: this worker's own prepare is given to it, and the prepare takes what the API began. */
export function createPrepareWorkOrderActivity(parts: PrepareWorkOrderParts, early?: EarlyPrepareTaking) {
  early?.prepares.attachPrepare((input) => prepareNow(parts, input));
  return {
    async prepareWorkOrder(input: PrepareWorkOrderInput): Promise<PrepareWorkOrderResult> {
      const begun = early?.prepares.takePrepare(input);
      if (begun) {
        try {
          const result = await begun;
          early?.taken(input.agentWorkOrderId);
          return result;
        } catch (error) {
          // What no retry can mend (a missing repository) is this prepare's failure too, without asking again; the
          // rest is done again here, as a retry would.
          if (error instanceof ApplicationFailure && error.nonRetryable) throw error;
        }
      }
      return prepareNow(parts, input);
    },
  };
}

function settledValue<T>(outcome: PromiseSettledResult<T>): T {
  if (outcome.status === 'rejected') throw outcome.reason;
  return outcome.value;
}
