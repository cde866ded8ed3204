#!/usr/bin/env node
// npm writes lock entries only for the optional platform packages the registry serves. The registry reachable from
// our machines does not serve some of them (other OSes' @swc/core and unrs-resolver builds), so `npm ci` refuses the
// lock as "not in sync". This adds the missing entries with the os/cpu their names say, which npm then skips on every
// platform they do not match. Run after `npm install` changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;
const osNames = { darwin: 'darwin', linux: 'linux', win32: 'win32', freebsd: 'freebsd', android: 'android', openharmony: 'openharmony' };
const cpuNames = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => part in osNames);
  const cpu = cpuNames.find((candidate) => parts.includes(candidate)) ?? (parts.some((part) => part.startsWith('arm')) ? 'arm' : undefined);
  return { os, cpu };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const parentModules = location === '' ? 'node_modules' : `${location}/node_modules`;
    if (packages[`${parentModules}/${name}`] || packages[`node_modules/${name}`]) continue;
    const { os, cpu } = platformOf(name);
    if (!os || !cpu) continue;
    packages[`node_modules/${name}`] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, os: [os], cpu: [cpu] };
    added += 1;
  }
}
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries`);
