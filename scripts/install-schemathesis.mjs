#!/usr/bin/env node
// Installs schemathesis (PyPI) into the git-ignored `.tools/schemathesis` virtual environment, unless that pinned
// version is already there, and prints the binary's absolute path on stdout; progress goes to stderr.
// The contract test (test/e2e/openapi-contract.spec.ts) and `.ci/run` both run this file: one install, one version.

import { execFile } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const SCHEMATHESIS_VERSION = '4.32.5';

const run = promisify(execFile);
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const venv = path.join(projectRoot, '.tools', 'schemathesis');
const binary = path.join(venv, 'bin', 'schemathesis');

async function installedVersion() {
  try {
    const { stdout } = await run(binary, ['--version']);
    return /version (\S+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

if ((await installedVersion()) !== SCHEMATHESIS_VERSION) {
  const python = process.env.PYTHON ?? 'python3';
  process.stderr.write(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv}\n`);
  await run(python, ['-m', 'venv', venv]);
  await run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], { maxBuffer: 16 * 1024 * 1024 });
  const version = await installedVersion();
  if (version !== SCHEMATHESIS_VERSION) throw new Error(`schemathesis ${SCHEMATHESIS_VERSION} did not install (found ${version ?? 'nothing'})`);
}
process.stdout.write(`${binary}\n`);
