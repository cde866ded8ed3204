import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot, type AppConfig } from '../../src/config.js';
import { rootLogger, type Logger } from '../../src/logger.js';

const execFileAsync = promisify(execFile);

/** The one implementation of "find or install the temporal CLI"; plain Node so `npm run tools:temporal` and CI use it too. */
export const installTemporalCliScript = path.join(projectRoot, 'scripts', 'install-temporal-cli.mjs');

export type TemporalCliSource = 'env' | 'path' | 'project' | 'installed';

/**
 * Returns the absolute path of the `temporal` binary: TEMPORAL_CLI_PATH, PATH, the project's `.tools/`, or a fresh
 * install there. The script runs in a child process because its location relative to this module differs between
 * the TypeScript sources and `dist/`, while `projectRoot` knows both.
 */
export async function findOrInstallTemporalCli(
  config: Partial<Pick<AppConfig, 'TEMPORAL_CLI_PATH'>> = {},
  logger: Logger = rootLogger,
): Promise<string> {
  const env = { ...process.env };
  if (config.TEMPORAL_CLI_PATH !== undefined) env.TEMPORAL_CLI_PATH = config.TEMPORAL_CLI_PATH;
  const startedAt = Date.now();
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(process.execPath, [installTemporalCliScript, '--json'], { env, maxBuffer: 1024 * 1024 }));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    // The script's last stderr line is its one-line reason (e.g. "TEMPORAL_CLI_PATH=... is invalid: ...").
    const reason = stderr ? stderr.split('\n').at(-1)!.replace(/^install-temporal-cli: /, '') : (error as Error).message;
    throw new Error(`temporal CLI unavailable: ${reason}`, { cause: error });
  }
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { path: string; source: TemporalCliSource };
  const fields = { cli_path: result.path, source: result.source, duration_ms: Date.now() - startedAt };
  if (result.source === 'installed') logger.info({ event: 'temporal_cli_installed', ...fields }, 'temporal_cli_installed');
  else logger.debug({ event: 'temporal_cli_found', ...fields }, 'temporal_cli_found');
  return result.path;
}
