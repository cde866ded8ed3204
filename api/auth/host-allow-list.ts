import net from 'node:net';
import os from 'node:os';
import type { AppConfig } from '../../src/config.js';
import { isLoopbackHost } from './api-token.js';

/**
 * The names this service answers to: loopback names, the bound address (every local address when bound to all), this
 * machine's name and AWO_ALLOWED_HOSTS. A page on another name that resolves to us (DNS rebinding) is refused by it.
 */
export class HostAllowList {
  private readonly names: Set<string>;
  private readonly any: boolean;

  constructor(config: Pick<AppConfig, 'AWO_HOST' | 'AWO_ALLOWED_HOSTS'>) {
    this.any = config.AWO_ALLOWED_HOSTS.includes('*');
    const bound = config.AWO_HOST.toLowerCase();
    const wildcard = bound === '0.0.0.0' || bound === '::';
    const interfaceAddresses = wildcard ? Object.values(os.networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address.toLowerCase())) : [];
    this.names = new Set([...(wildcard ? [] : [bound]), ...interfaceAddresses, os.hostname().toLowerCase(), ...config.AWO_ALLOWED_HOSTS]);
  }

  allows(hostHeader: string | undefined): boolean {
    if (this.any) return true;
    const name = hostName(hostHeader);
    if (name === undefined) return false;
    return isLoopbackHost(name) || this.names.has(name);
  }
}

/** `name:port`, `[v6]:port` or a bare name, lower case, without the port; undefined when it is not a host at all. */
export function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const value = hostHeader.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return net.isIPv6(bracketed[1]!) ? bracketed[1] : undefined;
  const plain = /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(value);
  return plain ? plain[1]!.replace(/\.$/, '') : undefined;
}
