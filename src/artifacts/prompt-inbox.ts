import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeFolder } from '../files/make-folder.js';

export interface InboxPrompt {
  prompt_id: string;
  prompt_text: string;
}

const promptIdPattern = /^[\w.-]{1,100}$/;

/**
 * Prompts on their way into a running agent step, one folder per step (`work-orders/<id>/inbox/<step index>/`): a
 * prompt left for a step that has ended is never picked up by a later one, so nothing is delivered twice.
 */
export class PromptInbox {
  constructor(private readonly workOrderDir: string) {}

  private folder(agentWorkOrderId: string, stepIndex: number): string {
    return path.join(this.workOrderDir, agentWorkOrderId, 'inbox', String(stepIndex));
  }

  /** Written whole (temporary name, then rename), so the step never reads half a prompt. */
  async post(agentWorkOrderId: string, stepIndex: number, prompt: InboxPrompt): Promise<void> {
    if (!promptIdPattern.test(prompt.prompt_id)) throw new Error(`invalid prompt id "${prompt.prompt_id}"`);
    const folder = this.folder(agentWorkOrderId, stepIndex);
    await makeFolder(folder);
    const file = path.join(folder, `${prompt.prompt_id}.json`);
    await writeFile(`${file}.tmp`, JSON.stringify(prompt));
    await rename(`${file}.tmp`, file);
  }

  /** Prompts posted and not yet taken, oldest name first. */
  async waiting(agentWorkOrderId: string, stepIndex: number): Promise<InboxPrompt[]> {
    const folder = this.folder(agentWorkOrderId, stepIndex);
    let names: string[];
    try {
      names = (await readdir(folder)).filter((name) => name.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const prompts: InboxPrompt[] = [];
    for (const name of names) {
      prompts.push(JSON.parse(await readFile(path.join(folder, name), 'utf8')) as InboxPrompt);
    }
    return prompts;
  }

  /** Marks a prompt as written into the agent, so a poll never writes it twice. */
  async markTaken(agentWorkOrderId: string, stepIndex: number, promptId: string): Promise<void> {
    const file = path.join(this.folder(agentWorkOrderId, stepIndex), `${promptId}.json`);
    await rename(file, `${file}.taken`);
  }
}
