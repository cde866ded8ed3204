import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { createLogger } from '../../src/logger.js';
import { installWorkerRuntime } from '../../temporal/worker/worker-runtime.js';
import { workOrderWorkflowBundle } from '../../temporal/worker/workflow-bundle.js';

const directory = path.join(path.dirname(new URL(import.meta.url).pathname), 'histories');

/**
 * Work orders run for hours: a worker with new workflow code must replay the histories of those already running.
 * Each recorded history (older code's included) is replayed with today's bundle; a change to the command sequence
 * that is not behind patched() fails here with a nondeterminism error.
 */
describe('work-order workflow replay', () => {
  it('replays every recorded history with the current workflow code', async () => {
    installWorkerRuntime(createLogger('warn'));
    const files = (await readdir(directory)).filter((file) => file.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(7);
    const histories = await Promise.all(
      files.map(async (file) => ({ workflowId: file.replace(/\.json$/, ''), history: JSON.parse(await readFile(path.join(directory, file), 'utf8')) as unknown })),
    );
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workOrderWorkflowBundle() }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
