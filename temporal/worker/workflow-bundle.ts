import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { keepMappings } from './source-map-mappings.js';

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
  await writeFile(prebuiltBundlePath, latin1Code(slimSourceMap(code)));
  return prebuiltBundlePath;
}

const inlineSourceMap = '//# sourceMappingURL=data:';

/**
 * The bundle's inline source map without the sources' text (about 1 MiB of the 1.4 MiB map, twice that as base64) and
 * with the mappings of our own sources only (about one in eight; the rest are the SDK's and zod's): the worker holds
 * the bundle and its map as strings, and the SDK parses the mappings into WebAssembly memory (7 MiB for all of them)
 * for the stack traces of workflow code. Stack traces keep the original files, lines and columns of our workflows
 * and models; frames in the libraries name the bundle's line instead. Only `showStackTraceSources`, which this
 * service does not turn on, would read the text.
 */
export function slimSourceMap(code: string): string {
  const at = code.lastIndexOf(inlineSourceMap);
  const data = code.indexOf('base64,', at) + 'base64,'.length;
  if (at < 0 || data < at) return code;
  const map = JSON.parse(Buffer.from(code.slice(data).trim(), 'base64').toString('utf8')) as { sources?: string[]; mappings?: string; sourcesContent?: unknown };
  delete map.sourcesContent;
  if (map.sources && map.mappings) map.mappings = keepMappings(map.mappings, map.sources, isOwnSource);
  return `${code.slice(0, data)}${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

/** Our workflows and models, not a library's file nor webpack's runtime. */
function isOwnSource(source: string): boolean {
  return !source.includes('/node_modules/') && !source.startsWith('webpack/');
}

/**
 * Characters beyond Latin-1 (a few dashes and symbols in comments and messages) written as `\\uXXXX` escapes: V8 keeps
 * a source with even one such character as a two-byte string, so the 1.5 MiB bundle took 3 MiB of heap. In string,
 * template and regular-expression literals and in identifiers the escape means the same character; in comments it is
 * text. (A backslash right before such a character would change its meaning; the bundle has none.)
 */
export function latin1Code(code: string): string {
  return code.replace(/[\u0100-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
