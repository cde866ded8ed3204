import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads a secret file, or creates it with `bytes` random bytes as hex (0600, folder 0700) when it is missing. Two
 * processes starting together race to create it: the file is written aside and hard-linked into place, which fails for
 * the loser, who then reads the winner's value instead of overwriting it. `parse` validates the text (trimmed) and
 * throws with its own message when the file holds something else.
 */
export async function readOrCreateSecretFile<T>(file: string, bytes: number, parse: (text: string) => T, label: string): Promise<T> {
  const existing = await readSecretFile(file, parse);
  if (existing !== undefined) return existing;
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, `${randomBytes(bytes).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
  const created = await readSecretFile(file, parse);
  if (created === undefined) throw new Error(`${label} ${file} vanished right after it was created`);
  return created;
}

async function readSecretFile<T>(file: string, parse: (text: string) => T): Promise<T | undefined> {
  let text: string;
  try {
    text = (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parse(text);
}
