#!/usr/bin/env node
import { CommanderError } from 'commander';
import { errorLine } from './cli-errors.js';
import { buildProgram } from './awo-program.js';

const serviceUrl = (process.env.AWO_URL || 'http://127.0.0.1:8888').replace(/\/+$/, '');

async function main(): Promise<void> {
  const program = buildProgram({ serviceUrl, apiToken: process.env.AWO_API_TOKEN || undefined, stdout: process.stdout });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    // Commander has already printed its own usage error (unknown option, missing argument) or the help.
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`${errorLine(error, serviceUrl)}\n`);
    process.exit(1);
  }
}

void main();
