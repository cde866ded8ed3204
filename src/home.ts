import { constants } from 'node:fs';
import { access, chmod, mkdir, stat } from 'node:fs/promises';
import type { AppConfig } from './config.js';
import { ConfigError } from './config-errors.js';
import { homeParts, type HomePart } from './home-layout.js';
import type { Logger } from './logger.js';

const privateDirMode = 0o700;
const worldWritable = 0o002;
const groupOrOtherWrite = 0o022;
const sticky = 0o1000;

/** The resolved folders of the configuration (loadConfig's result fits). */
export type HomeFolders = Pick<AppConfig, 'AWO_HOME' | HomePart>;

export interface PreparedHome {
  created: string[];
  /** Existing folders of ours whose group/other write permission was removed. */
  tightened: { path: string; from: string; to: string }[];
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0');

/** The variable that names a folder of the layout, for error lines. */
function variableOf(layout: HomeFolders, dir: string): string {
  const part = (Object.keys(homeParts) as HomePart[]).find((key) => layout[key] === dir);
  return part === undefined ? 'AWO_HOME' : homeParts[part].variable;
}

/**
 * Creates AWO_HOME and its parts as 0700 folders, and makes existing ones safe: the repositories' git hooks and the
 * agent's commands run from here, so a folder others can write to would let them run code as this service. An
 * existing folder of ours loses its group/other write permission (its read permission is the owner's choice); a
 * shared scratch folder (world-writable with the sticky bit, like /tmp) or a world-writable folder of someone else's
 * must not be changed, so start-up stops instead.
 */
export async function prepareHome(layout: HomeFolders, logger?: Pick<Logger, 'warn' | 'info'>): Promise<PreparedHome> {
  const uid = process.getuid?.();
  const result: PreparedHome = { created: [], tightened: [] };
  const dirs = [layout.AWO_HOME, layout.repositoryDir, layout.workOrderDir, layout.configDir, layout.temporalDir];
  for (const dir of dirs) {
    const variable = variableOf(layout, dir);
    const label = `${variable} (${dir})`;
    const existing = await stat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw new ConfigError(`${label} cannot be read: ${error.code ?? error.message}; expected a folder this user (uid ${uid}) owns`, variable);
    });
    if (existing === null) {
      await mkdir(dir, { recursive: true, mode: privateDirMode });
      // mkdir's mode passes through the umask, which may only remove bits; chmod states the mode exactly.
      await chmod(dir, privateDirMode);
      result.created.push(dir);
      continue;
    }
    if (!existing.isDirectory()) {
      throw new ConfigError(`${label} is not a folder; expected a folder (or nothing, and it is created)`, variable);
    }
    const ours = uid === undefined || existing.uid === uid;
    if ((existing.mode & worldWritable) !== 0 && (!ours || (existing.mode & sticky) !== 0)) {
      const whose = ours ? 'a shared scratch folder (sticky bit)' : `owned by uid ${existing.uid}, not this user (uid ${uid})`;
      throw new ConfigError(
        `${label} is world-writable (mode ${octal(existing.mode)}) and ${whose}: anyone could change the repositories and commands ` +
          'the agents run; expected a folder of its own that only this user can write (e.g. a new sub-folder)',
        variable,
      );
    }
    if (ours && (existing.mode & groupOrOtherWrite) !== 0) {
      const mode = existing.mode & 0o777 & ~groupOrOtherWrite;
      await chmod(dir, mode);
      result.tightened.push({ path: dir, from: octal(existing.mode), to: octal(mode) });
      continue;
    }
    await access(dir, constants.R_OK | constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
      // A read-only mount is not a question of ownership: chown would not help (and fails there too).
      if (error.code === 'EROFS') {
        throw new ConfigError(`${label} is on a read-only file system; expected a folder on a writable one (remount it read-write or choose another folder)`, variable);
      }
      throw new ConfigError(
        `${label} is not writable by this user (uid ${uid}, folder owned by uid ${existing.uid}); expected a folder this user can write (e.g. chown ${uid} ${dir})`,
        variable,
      );
    });
  }
  for (const dir of result.created) logger?.info({ event: 'home_folder_created', path: dir }, 'home_folder_created');
  for (const { path, from, to } of result.tightened) logger?.warn({ event: 'home_permissions_tightened', path, from, to }, 'home_permissions_tightened');
  return result;
}
