import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const workflowsDir = fileURLToPath(new URL('../../workflows/', import.meta.url));
/** Written by `npm run build` beside the compiled workflows (dist/workflow-bundle.js); absent when jest runs the sources. */
export const prebuiltBundlePath = fileURLToPath(new URL('../../workflow-bundle.js', import.meta.url));

const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let bundle: Promise<WorkflowBundleOption> | null = null;

/** Webpack over the workflow sources: seconds of CPU and about 90 MiB of memory a process never gives back. */
export function bundleWorkOrderWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: path.join(workflowsDir, `index.${extension}`), logger: silent });
}

/**
 * Once per process: every worker in it (shared and host queues, tests) reuses the same code. Built code loads the
 * bundle `npm run build` made, so a started service never runs webpack; a bundle older than any compiled workflow file
 * (tsc run without the bundle step) is not trusted, and neither is a missing one: both bundle here as before.
 */
export function workOrderWorkflowBundle(): Promise<WorkflowBundleOption> {
  bundle ??= (async () => {
    if (extension === 'js' && (await isBundleCurrent(prebuiltBundlePath, workflowsDir))) return { codePath: prebuiltBundlePath };
    return bundleWorkOrderWorkflows();
  })();
  return bundle;
}

/** A bundle exists and no compiled workflow file changed after it was written. */
export async function isBundleCurrent(bundlePath: string, compiledWorkflowsDir: string): Promise<boolean> {
  const built = await stat(bundlePath).catch(() => null);
  if (!built) return false;
  const sources = (await readdir(compiledWorkflowsDir)).filter((name) => name.endsWith('.js'));
  const times = await Promise.all(sources.map(async (name) => (await stat(path.join(compiledWorkflowsDir, name))).mtimeMs));
  return times.every((time) => time <= built.mtimeMs);
}

/** `npm run build`'s last step (entrypoints/build-workflow-bundle.ts). */
export async function writePrebuiltWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkOrderWorkflows();
  await writeFile(prebuiltBundlePath, code);
  return prebuiltBundlePath;
}
