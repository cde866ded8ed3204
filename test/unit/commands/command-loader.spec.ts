import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { CommandNotFoundError, loadCommand, renderCommand } from '../../../src/commands/command-loader.js';
import { buildStepArguments } from '../../../src/commands/step-arguments.js';
import { agentStepNames } from '../../../src/models/work-order.js';

describe('command files', () => {
  it('loads every agent step shipped in .claude/commands/agent-work-orders', async () => {
    const { commandsDir } = loadConfig({});
    for (const step of agentStepNames) {
      await expect(loadCommand(commandsDir, step)).resolves.toMatch(/^# /);
    }
  });

  it('names the step and the path when a command file is missing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'awo-commands-'));
    const failure = loadCommand(dir, 'planning');
    await expect(failure).rejects.toBeInstanceOf(CommandNotFoundError);
    await expect(failure).rejects.toThrow(`command file for step "planning" not found at ${path.join(dir, 'planning.md')}`);
  });

  it('refuses command names that could leave the commands folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'awo-commands-'));
    await writeFile(path.join(dir, 'x.md'), 'x');
    await expect(loadCommand(dir, '../x')).rejects.toThrow('invalid command name "../x"');
    await expect(loadCommand(dir, 'a/b')).rejects.toThrow('invalid command name');
  });
});

describe('renderCommand', () => {
  it('fills $ARGUMENTS with every argument and $n with one each', () => {
    expect(renderCommand('all: $ARGUMENTS | first: $1 | second: $2', ['alpha', 'beta'])).toBe('all: alpha\n\nbeta | first: alpha | second: beta');
  });

  it('leaves missing positional arguments empty', () => {
    expect(renderCommand('[$1][$3]', ['only'])).toBe('[only][]');
  });

  it('does not expand placeholders that appear inside an argument', () => {
    expect(renderCommand('$1 and $2', ['literal $2 and $ARGUMENTS', 'second'])).toBe('literal $2 and $ARGUMENTS and second');
  });

  it('treats $10 as the tenth argument, not $1 followed by 0', () => {
    const args = Array.from({ length: 10 }, (_, index) => `a${index + 1}`);
    expect(renderCommand('$10', args)).toBe('a10');
  });
});

describe('buildStepArguments', () => {
  const context = { agentWorkOrderId: 'wo-0123abcd', userRequest: 'Add login', issueText: '#7 Login\n\nbody', branchName: 'feat/login', planOutput: 'the plan' };

  it('gives create-branch the request, the issue and the work order id', () => {
    expect(buildStepArguments('create-branch', context)).toEqual(['Add login', '#7 Login\n\nbody', 'wo-0123abcd']);
  });

  it('gives execute the plan when there is one, else the request', () => {
    expect(buildStepArguments('execute', context)[0]).toBe('the plan');
    expect(buildStepArguments('execute', { ...context, planOutput: null })[0]).toBe('Add login');
  });

  it('passes an empty issue when none is linked', () => {
    expect(buildStepArguments('planning', { ...context, issueText: null })).toEqual(['Add login', '', 'feat/login', 'wo-0123abcd']);
  });
});
