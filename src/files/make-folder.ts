import { constants, existsSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * `mkdir -p` that names the real cause. Node's recursive mkdir reports a folder it may not create on a read-only
 * file system as ENOENT ("no such file or directory, mkdir"), which sends people looking for a deleted folder; the
 * deepest existing ancestor says what is really wrong (EROFS or EACCES).
 */
export async function makeFolder(dir: string, mode?: number): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  } catch (error) {
    throw await explainFolderError(error as NodeJS.ErrnoException, dir);
  }
}

async function explainFolderError(error: NodeJS.ErrnoException, dir: string): Promise<Error> {
  if (error.code !== 'ENOENT') return error;
  let existing = path.dirname(dir);
  while (!existsSync(existing) && existing !== path.dirname(existing)) existing = path.dirname(existing);
  try {
    await access(existing, constants.W_OK);
    return error;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code !== 'EROFS' && code !== 'EACCES') return error;
    const why = code === 'EROFS' ? 'read-only file system' : `permission denied for uid ${process.getuid?.()}`;
    return Object.assign(new Error(`${code}: ${why}, cannot create ${dir} (${existing} is not writable)`), { code, path: dir, syscall: 'mkdir' });
  }
}
