import { execFileSync } from 'node:child_process';
import { projectRoot } from '../../../src/config.js';

/** What `make -n` would run: the recipe lines, with no docker involved. */
const dryRun = (...args: string[]) => execFileSync('make', ['-n', '-C', projectRoot, '--no-print-directory', ...args], { encoding: 'utf8' });

describe('Makefile', () => {
  it.each([
    [['start'], 'docker compose up -d --build --scale worker=1'],
    [['start', 'WORKERS=3'], 'docker compose up -d --build --scale worker=3'],
    [['logs'], 'docker compose logs -f --tail=200'],
    [['logs', 'SERVICES=api worker'], 'docker compose logs -f --tail=200 api worker'],
    [['restart'], 'docker compose restart'],
    [['stop'], 'docker compose stop'],
    [['clean'], 'docker compose down --remove-orphans'],
    [['clean', 'VOLUMES=remove'], 'docker compose down --remove-orphans --volumes'],
  ])('make %j runs and prints `%s`', (args, command) => {
    const lines = dryRun(...args).trim().split('\n');
    expect(lines).toHaveLength(1);
    // Printed first, then run: the same command twice on the one recipe line.
    expect(lines[0]!.trim()).toBe(`echo "+ ${command}" && ${command}`);
  });

  it('keeps the volumes unless asked to remove them', () => {
    expect(dryRun('clean')).not.toContain('--volumes');
  });

  it('lists every target in help, the default target', () => {
    const help = dryRun();
    for (const usage of ['make start', 'make logs', 'make restart', 'make stop', 'make clean', 'make clean VOLUMES=remove']) expect(help).toContain(usage);
  });
});
