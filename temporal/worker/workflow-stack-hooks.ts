import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared.js';

/**
 * Workflows run in this process's main thread (`inThreadWorkflows`), and so does the SDK's promise hook, installed
 * when the worker is made: it records every workflow promise's stack for the `__stack_trace` query, and to tell a
 * workflow's promise from any other it compiles a function for every promise of the process (the API's, the
 * activities', gRPC's): about 2 µs a promise, more than many a request's own work. Removed once the worker is made.
 * What goes: the stack trace tab of a work order's workflow in the Temporal Web UI, and source-mapped stacks of
 * workflow errors; the state, the history and the errors' messages stay as they are.
 */
export function dropWorkflowStackTraceHooks(): void {
  globalHandlers.uninstall();
}
