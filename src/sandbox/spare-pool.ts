import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { makeFolder } from '../files/make-folder.js';
import { readSmallFile } from './read-small-file.js';

/** What a sandbox made now from the mirror would be made from: the remote as last fetched. */
export const spareStateSchema = z.object({
  cloneUrl: z.string(),
  baseBranch: z.string(),
  /** The base branch's tip. */
  commit: z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/),
  /** The mirror's remote-tracking refs (`<sha> <ref>` lines), hashed: a clone carries them all. */
  refsDigest: z.string(),
});
export type SpareState = z.infer<typeof spareStateSchema>;

/** How one sandbox type makes, checks, moves on and places its spares. Every method runs under the mirror's lock. */
export interface SpareKind {
  /** Folder names of this kind's spares start with it (`worktree`, `clone`). */
  readonly prefix: string;
  make(mirrorPath: string, sparePath: string, state: SpareState): Promise<void>;
  /** True when the spare is still what its marker says it was made as. */
  isIntact(mirrorPath: string, sparePath: string, made: SpareState): Promise<boolean>;
  /** True when `made` already is what a sandbox made at `wanted` would be. */
  isCurrent(made: SpareState, wanted: SpareState): boolean;
  /** Brings an intact spare from `made` to `wanted`; false when it cannot (the spare is then discarded). */
  moveOn(mirrorPath: string, sparePath: string, made: SpareState, wanted: SpareState): Promise<boolean>;
  /** Moves the spare to the sandbox's path (which does not exist). */
  place(mirrorPath: string, sparePath: string, sandboxPath: string): Promise<void>;
  discard(mirrorPath: string, sparePaths: string[]): Promise<void>;
}

export interface SparePoolOptions {
  /** Beside the sandboxes (work-orders/.spare-sandboxes), so that placing one is a rename on one file system. */
  spareDir: string;
  repositoryDir: string;
  /** Ready spares kept per mirror and kind; 0 turns the pool off. */
  size: number;
}

const readySuffix = '.ready';

interface ReadySpare {
  sparePath: string;
  marker: string;
  made: SpareState;
}

/**
 * Sandboxes made ahead from a mirror, so that a work order's sandbox is a rename instead of a checkout (on a large
 * repository the checkout is most of a warm setup). A spare is the worker's alone until placed: the pool's folders are
 * not enterable by others, so what is handed out is exactly what the worker made. A spare counts as ready only once its
 * marker (`<name>.ready`, the state it was made at) is written, which happens last, and it is taken out of the pool
 * (marker removed) before anything else is done to it; anything else found in the pool (a crash mid-way, a spare that
 * is not what its marker says) is removed, never handed out. Every method runs under the caller's lock of the mirror.
 */
export class SparePool {
  constructor(
    private readonly options: SparePoolOptions,
    private readonly kind: SpareKind,
  ) {}

  get enabled(): boolean {
    return this.options.size > 0;
  }

  folderFor(mirrorPath: string): string {
    return path.join(this.options.spareDir, path.relative(this.options.repositoryDir, mirrorPath));
  }

  /** True for a path inside the pools' folder (a spare, not a work order's sandbox). */
  holds(worktreePath: string): boolean {
    const relative = path.relative(this.options.spareDir, worktreePath);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  }

  /**
   * Places a ready spare at `sandboxPath`, moved on to `wanted` first when it was made earlier; false when none was.
   * `currentOnly`: only a spare made at `wanted` is taken, as it is.
   */
  async claim(mirrorPath: string, wanted: SpareState, sandboxPath: string, options: { currentOnly?: boolean } = {}): Promise<boolean> {
    const spares = await this.readySpares(mirrorPath);
    const spare = spares.find((candidate) => this.kind.isCurrent(candidate.made, wanted)) ?? (options.currentOnly ? undefined : spares[0]);
    if (!spare) return false;
    rmSync(spare.marker, { force: true });
    if (!this.kind.isCurrent(spare.made, wanted) && !(await this.kind.moveOn(mirrorPath, spare.sparePath, spare.made, wanted))) {
      await this.kind.discard(mirrorPath, [spare.sparePath]);
      return false;
    }
    await this.kind.place(mirrorPath, spare.sparePath, sandboxPath);
    return true;
  }

  /** Brings the mirror's pool to its size in ready spares at `wanted`: broken ones removed, stale ones moved on. */
  async refill(mirrorPath: string, wanted: SpareState): Promise<void> {
    if (!this.enabled) return;
    await makeFolder(this.folderFor(mirrorPath), 0o700);
    // Made by an older version or by hand with other modes: the agent must not enter it, whatever made it.
    await chmod(this.options.spareDir, 0o700);
    for (const spare of await this.readySpares(mirrorPath)) {
      if (this.kind.isCurrent(spare.made, wanted)) continue;
      await rm(spare.marker, { force: true });
      if (await this.kind.moveOn(mirrorPath, spare.sparePath, spare.made, wanted)) await markReady(spare.sparePath, wanted);
      else await this.kind.discard(mirrorPath, [spare.sparePath]);
    }
    for (let count = (await this.readySpares(mirrorPath)).length; count < this.options.size; count += 1) {
      const sparePath = path.join(this.folderFor(mirrorPath), `${this.kind.prefix}-${randomBytes(6).toString('hex')}`);
      try {
        await this.kind.make(mirrorPath, sparePath, wanted);
      } catch (error) {
        await this.kind.discard(mirrorPath, [sparePath]);
        throw error;
      }
      await markReady(sparePath, wanted);
    }
  }

  /** Every spare of this kind of the mirror, ready or not (retention, before the mirror itself goes). */
  async removeAll(mirrorPath: string): Promise<void> {
    const { spares, markers } = this.entriesOf(mirrorPath);
    await this.kind.discard(mirrorPath, spares);
    await Promise.all(markers.map((marker) => rm(marker, { force: true })));
  }

  /** The intact ready spares of this kind; whatever else of this kind the pool holds is removed on the way. */
  private async readySpares(mirrorPath: string): Promise<ReadySpare[]> {
    const { spares, markers } = this.entriesOf(mirrorPath);
    const ready: ReadySpare[] = [];
    const broken: string[] = [];
    for (const sparePath of spares) {
      const marker = `${sparePath}${readySuffix}`;
      const made = readMarker(marker);
      if (made && (await this.kind.isIntact(mirrorPath, sparePath, made))) ready.push({ sparePath, marker, made });
      else broken.push(sparePath);
    }
    if (broken.length > 0) await this.kind.discard(mirrorPath, broken);
    const orphans = markers.filter((marker) => !ready.some((spare) => spare.marker === marker));
    await Promise.all(orphans.map((marker) => rm(marker, { force: true })));
    return ready;
  }

  /** Listed in place, as the markers are read (see readSmallFile): the pool is a handful of entries. */
  private entriesOf(mirrorPath: string): { spares: string[]; markers: string[] } {
    const folder = this.folderFor(mirrorPath);
    const entries = listOrEmpty(folder).filter((entry) => entry.startsWith(`${this.kind.prefix}-`));
    return {
      spares: entries.filter((entry) => !entry.includes('.')).map((entry) => path.join(folder, entry)),
      markers: entries.filter((entry) => entry.includes('.')).map((entry) => path.join(folder, entry)),
    };
  }
}

function readMarker(marker: string): SpareState | null {
  try {
    return spareStateSchema.parse(JSON.parse(readSmallFile(marker)));
  } catch {
    return null;
  }
}

function listOrEmpty(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

async function markReady(sparePath: string, made: SpareState): Promise<void> {
  const marker = `${sparePath}${readySuffix}`;
  await writeFile(`${marker}.tmp`, `${JSON.stringify(made)}\n`);
  await rename(`${marker}.tmp`, marker);
}
