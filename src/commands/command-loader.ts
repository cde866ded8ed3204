import { readFileSync } from 'node:fs';
import path from 'node:path';

export class CommandNotFoundError extends Error {
  constructor(
    readonly commandName: string,
    readonly commandPath: string,
  ) {
    super(`command file for step "${commandName}" not found at ${commandPath}`);
  }
}

const commandNamePattern = /^[a-z][a-z0-9-]*$/;

/**
 * Reads `<commandsDir>/<name>.md`; the name is checked so it can never leave the commands folder. Read synchronously:
 * a few KiB from the page cache, on the way to the agent's spawn, where a round trip through the thread pool costs
 * milliseconds on a loaded host.
 */
export async function loadCommand(commandsDir: string, commandName: string): Promise<string> {
  if (!commandNamePattern.test(commandName)) throw new Error(`invalid command name "${commandName}"`);
  const commandPath = path.join(commandsDir, `${commandName}.md`);
  try {
    return readFileSync(commandPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CommandNotFoundError(commandName, commandPath);
    throw error;
  }
}

/**
 * Fills Claude Code's slash-command placeholders: `$ARGUMENTS` is every argument, `$1`..`$n` one each (missing ones
 * become empty). A single pass, so text inside an argument that looks like a placeholder is left as it is.
 */
export function renderCommand(template: string, args: readonly string[]): string {
  return template.replace(/\$ARGUMENTS|\$(\d+)/g, (placeholder, index: string | undefined) => {
    if (index === undefined) return args.join('\n\n');
    return args[Number(index) - 1] ?? '';
  });
}
