import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/config.js';

const script = path.join(projectRoot, 'test', 'fixtures', 'processes', 'close-during-retry.mjs');

async function runScript(retry: 'project' | 'temporal-default'): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script], { env: { ...process.env, AWO_RETRY: retry }, timeout: 20_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** Closing a Temporal connection while a call is waiting to retry (the API shutting down during an outage). */
describe('closing a client connection during a retry', () => {
  it("kills the process with Temporal's default retry interceptor (the failure this guards against)", async () => {
    const { code, output } = await runScript('temporal-default');
    expect(code).not.toBe(0);
    expect(output).toContain('Channel has been shut down');
  });

  it('ends the call with its last error on the project connection, and the process lives on', async () => {
    const { code, output } = await runScript('project');
    expect(output).not.toContain('Channel has been shut down');
    expect(output).toMatch(/call failed: 14 UNAVAILABLE/);
    expect(code).toBe(0);
  });
});
