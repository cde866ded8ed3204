import os from 'node:os';
import path from 'node:path';
import { invalidVariable } from './config-errors.js';

/** Where the service keeps its data: the home and its four parts, all absolute. */
export interface HomeLayout {
  home: string;
  repositoryDir: string;
  workOrderDir: string;
  configDir: string;
  temporalDir: string;
}

export type HomePart = Exclude<keyof HomeLayout, 'home'>;

/** Each part: the variable that overrides it and the folder name it has under AWO_HOME otherwise. */
export const homeParts: Record<HomePart, { variable: string; seed: string }> = {
  repositoryDir: { variable: 'AWO_REPOSITORY_DIR', seed: 'repositories' },
  workOrderDir: { variable: 'AWO_WORK_ORDER_DIR', seed: 'work-orders' },
  configDir: { variable: 'AWO_CONFIG_DIR', seed: 'config' },
  temporalDir: { variable: 'AWO_TEMPORAL_DIR', seed: 'temporal' },
};

/** `~` and `~/…` as a shell would expand them: .env files and compose pass them through literally. */
export function expandHome(value: string): string {
  if (value === '~') return os.homedir();
  return value.startsWith('~/') ? path.join(os.homedir(), value.slice(2)) : value;
}

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Resolves the parts under AWO_HOME and refuses overlapping ones: retention cleanup deletes old folders of the
 * work-order folder, so a work-order folder that held the repositories (or the other way round) would lose data.
 */
export function resolveHomeLayout(env: Record<string, string | undefined>, defaultHome: string): HomeLayout {
  const home = path.resolve(expandHome(env.AWO_HOME ?? defaultHome));
  const resolved = {} as Record<HomePart, string>;
  for (const [part, { variable, seed }] of Object.entries(homeParts) as [HomePart, { variable: string; seed: string }][]) {
    resolved[part] = path.resolve(home, expandHome(env[variable] ?? seed));
  }
  const entries = Object.entries(resolved) as [HomePart, string][];
  for (const [part, dir] of entries) {
    for (const [otherPart, otherDir] of entries) {
      if (part === otherPart || !isInside(dir, otherDir)) continue;
      // Blame the overridden one: a default seed only collides because something else was moved onto it.
      const [blamed, other] = env[homeParts[part].variable] !== undefined ? [part, otherPart] : [otherPart, part];
      const blamedVariable = homeParts[blamed].variable;
      const relation = resolved[blamed] === resolved[other] ? 'is the same folder as' : isInside(resolved[blamed], resolved[other]) ? 'contains' : 'is inside';
      throw invalidVariable(blamedVariable, env[blamedVariable], `${relation} the ${homeParts[other].seed} folder (${resolved[other]})`);
    }
  }
  return { home, ...resolved };
}
