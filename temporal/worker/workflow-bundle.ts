import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

let bundle: Promise<WorkflowBundleWithSourceMap> | null = null;

/** Bundled once per process: every worker in it (shared and host queues, tests) reuses the same code. */
export function workOrderWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  // Built code bundles the compiled workflows; jest runs the TypeScript sources.
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  bundle ??= bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL(`../../workflows/index.${extension}`, import.meta.url)),
    logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  return bundle;
}
