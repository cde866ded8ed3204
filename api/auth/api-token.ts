import net from 'node:net';
import path from 'node:path';
import type { AppConfig } from '../../src/config.js';
import { ConfigError } from '../../src/config-errors.js';
import { readOrCreateSecretFile } from '../../src/files/random-secret-file.js';

export const apiTokenFileName = 'api-token';

/** The token this API accepts, where it came from, and whether a caller must present it. */
export interface ApiAuth {
  token: string;
  source: 'env' | 'file';
  /** The token file, when the token came from one. */
  file: string | null;
  /** True when the API binds beyond loopback: every route but the public ones needs the token. */
  required: boolean;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  return bare === '::1' || bare === '::ffff:127.0.0.1';
}

/**
 * AWO_API_TOKEN, else `<config>/api-token`, generated (0600) on the first start. A generated token is only trusted on
 * loopback: a service reachable from the network must be given its token on purpose, so it refuses to start without.
 */
export async function resolveApiAuth(config: Pick<AppConfig, 'AWO_API_TOKEN' | 'AWO_HOST' | 'configDir'>): Promise<ApiAuth> {
  const required = !isLoopbackHost(config.AWO_HOST);
  if (config.AWO_API_TOKEN) return { token: config.AWO_API_TOKEN, source: 'env', file: null, required };
  if (required) {
    throw new ConfigError(
      `AWO_API_TOKEN is not set: required when the API binds beyond loopback (AWO_HOST=${config.AWO_HOST}); expected 16-512 printable characters without spaces, e.g. from \`openssl rand -hex 32\``,
      'AWO_API_TOKEN',
    );
  }
  const file = path.join(config.configDir, apiTokenFileName);
  return { token: await readOrCreateSecretFile(file, 32, parseTokenFile(file), 'API token file'), source: 'file', file, required };
}

function parseTokenFile(file: string) {
  return (text: string): string => {
    if (!/^[\x21-\x7e]{16,512}$/.test(text)) throw new ConfigError(`API token file ${file} must hold 16-512 printable characters without spaces; remove it to generate a new one`, 'AWO_API_TOKEN');
    return text;
  };
}
