import path from 'node:path';
import { readSmallFile } from './read-small-file.js';

/**
 * The mirror's origin URL when its config is only what this worker writes (`[core]`, and `[remote "origin"]` with one
 * url and its fetch refspecs): then asking that URL directly is asking what git would. Null for anything more (an
 * include, a url rewrite, a proxy, http settings, a push URL...), which leaves the asking to git.
 */
export function plainOriginUrl(mirrorPath: string): string | null {
  let section = '';
  let url: string | null = null;
  for (const raw of readSmallFile(path.join(mirrorPath, 'config')).split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      if (line !== '[core]' && line !== '[remote "origin"]') return null;
      section = line;
      continue;
    }
    if (section !== '[remote "origin"]') continue;
    const value = /^url\s*=\s*(\S+)$/.exec(line)?.[1];
    if (value !== undefined && url === null) url = value;
    else if (!/^fetch\s*=/.test(line)) return null;
  }
  return url;
}
