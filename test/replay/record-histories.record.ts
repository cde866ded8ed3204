import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findOrInstallTemporalCli } from '../../temporal/server/temporal-cli.js';
import { testTemporalAddress } from '../utils/temporal-env.js';
import { FakeWorkOrderWorker } from '../utils/fake-work-order-worker.js';
import { historyScenarios } from './history-scenarios.js';

/**
 * Not a test: records the histories the replay test replays (`AWO_HISTORY_PREFIX=v2 npm run test:record-histories`).
 * Record with the workflow code as it runs in production BEFORE changing it, so the replay test holds the change to
 * what running work orders can replay.
 */
const prefix = process.env.AWO_HISTORY_PREFIX ?? 'recorded';
const directory = path.join(path.dirname(new URL(import.meta.url).pathname), 'histories');

describe('record work-order histories', () => {
  const worker = new FakeWorkOrderWorker();
  beforeAll(() => worker.start());
  afterAll(() => worker.stop());

  for (const scenario of historyScenarios) {
    it(scenario.name, async () => {
      const handle = await scenario.run(worker);
      // The CLI writes the proto3 JSON that historyFromJSON reads (the SDK's own historyToJSON trips over two
      // protobufjs copies in this install).
      const { stdout } = await promisify(execFile)(
        await findOrInstallTemporalCli(),
        ['workflow', 'show', '--workflow-id', handle.workflowId, '--address', testTemporalAddress(), '--output', 'json'],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      const history = JSON.parse(stdout) as { events: unknown[] };
      expect(history.events.length).toBeGreaterThan(5);
      await writeFile(path.join(directory, `${prefix}-${scenario.name}.json`), `${JSON.stringify(history, null, 1)}\n`);
    });
  }
});
