import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeFolder } from '../files/make-folder.js';

/**
 * Files a work order leaves under `work-orders/<id>/`: prompts sent, raw agent output and metadata (its log is the log
 * store's, see src/logs/). They outlive the sandbox so people can read what happened after cleanup.
 */
export class WorkOrderArtifacts {
  constructor(private readonly workOrderDir: string) {}

  folder(agentWorkOrderId: string): string {
    return path.join(this.workOrderDir, agentWorkOrderId);
  }

  agentPidFile(agentWorkOrderId: string): string {
    return path.join(this.folder(agentWorkOrderId), 'agent.pid');
  }

  async savePrompt(agentWorkOrderId: string, stepLabel: string, prompt: string): Promise<string> {
    return this.write(agentWorkOrderId, 'prompts', `${stepLabel}.md`, prompt);
  }

  async appendAgentOutput(agentWorkOrderId: string, stepLabel: string, rawLines: string[]): Promise<void> {
    const file = path.join(this.folder(agentWorkOrderId), 'outputs', `${stepLabel}.jsonl`);
    await makeFolder(path.dirname(file));
    await appendFile(file, rawLines.map((line) => `${line}\n`).join(''));
  }

  async saveMetadata(agentWorkOrderId: string, metadata: Record<string, unknown>): Promise<void> {
    await this.write(agentWorkOrderId, '.', 'metadata.json', `${JSON.stringify(metadata, null, 2)}\n`);
  }

  private async write(agentWorkOrderId: string, subfolder: string, fileName: string, content: string): Promise<string> {
    const file = path.join(this.folder(agentWorkOrderId), subfolder, fileName);
    await makeFolder(path.dirname(file));
    await writeFile(file, content);
    return file;
  }
}
