import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkOrderLogEntry } from '../models/work-order-log-entry.js';

export type { LogLevel, WorkOrderLogEntry } from '../models/work-order-log-entry.js';

/**
 * Files a work order leaves under `work-orders/<id>/`: prompts sent, raw agent output, the event log and metadata.
 * They outlive the sandbox so people can read what happened after cleanup.
 */
export class WorkOrderArtifacts {
  constructor(private readonly workOrderDir: string) {}

  folder(agentWorkOrderId: string): string {
    return path.join(this.workOrderDir, agentWorkOrderId);
  }

  logFile(agentWorkOrderId: string): string {
    return path.join(this.folder(agentWorkOrderId), 'logs.jsonl');
  }

  agentPidFile(agentWorkOrderId: string): string {
    return path.join(this.folder(agentWorkOrderId), 'agent.pid');
  }

  async savePrompt(agentWorkOrderId: string, stepLabel: string, prompt: string): Promise<string> {
    return this.write(agentWorkOrderId, 'prompts', `${stepLabel}.md`, prompt);
  }

  async appendAgentOutput(agentWorkOrderId: string, stepLabel: string, rawLine: string): Promise<void> {
    const file = path.join(this.folder(agentWorkOrderId), 'outputs', `${stepLabel}.jsonl`);
    await mkdir(path.dirname(file), { recursive: true });
    await appendFile(file, `${rawLine}\n`);
  }

  async appendLog(entry: WorkOrderLogEntry): Promise<void> {
    const file = this.logFile(entry.agent_work_order_id);
    await mkdir(path.dirname(file), { recursive: true });
    await appendFile(file, `${JSON.stringify(entry)}\n`);
  }

  async readLog(agentWorkOrderId: string): Promise<WorkOrderLogEntry[]> {
    let text: string;
    try {
      text = await readFile(this.logFile(agentWorkOrderId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: WorkOrderLogEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as WorkOrderLogEntry);
      } catch {
        // A line cut short by a crash mid-write is skipped rather than failing every read of the log.
      }
    }
    return entries;
  }

  async saveMetadata(agentWorkOrderId: string, metadata: Record<string, unknown>): Promise<void> {
    await this.write(agentWorkOrderId, '.', 'metadata.json', `${JSON.stringify(metadata, null, 2)}\n`);
  }

  private async write(agentWorkOrderId: string, subfolder: string, fileName: string, content: string): Promise<string> {
    const file = path.join(this.folder(agentWorkOrderId), subfolder, fileName);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return file;
  }
}
