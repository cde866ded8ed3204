import { readFileSync } from 'node:fs';
import { processSpawnerStarted, runProcess, runProcessChecked, runProcessHere, startProcess } from '../../../src/process/process-runner.js';
import { type StartedProcess, startProcessHere } from '../../../src/process/relayed-process.js';

const env = { PATH: process.env.PATH };

// First in the file: the spawner of this test process has not started yet.
describe('runProcess while the spawner starts', () => {
  it('runs a command asked for before the spawner listens from this process, and the next ones from the spawner', async () => {
    const early = runProcess('sh', ['-c', 'echo "$PPID"'], { cwd: '/tmp', env });
    await processSpawnerStarted();
    const [before, after] = await Promise.all([early, runProcess('sh', ['-c', 'echo "$PPID"'], { cwd: '/tmp', env })]);
    expect(before.stdout.trim()).toBe(String(process.pid));
    expect(after.stdout.trim()).not.toBe(String(process.pid));
  });
});

describe.each([
  ['by the spawner process', runProcess, processSpawnerStarted],
  ['by this process itself (while the spawner starts)', runProcessHere, () => Promise.resolve()],
])('runProcess: commands started %s', (_by, run, started) => {
  beforeAll(() => started());

  it('returns the exit code, stdout and stderr of a failing command, run in its cwd with only the environment given', async () => {
    const result = await run('sh', ['-c', 'pwd; echo "[$MARK][$HOME]"; echo oops >&2; exit 3'], { cwd: '/tmp', env: { ...env, MARK: 'given' } });
    expect(result).toMatchObject({ exitCode: 3, stdout: '/tmp\n[given][]\n', stderr: 'oops\n', timedOut: false, spawnError: null });
  });

  it('writes the input to stdin and closes it', async () => {
    const result = await run('cat', [], { cwd: '/tmp', env, input: 'line one\nline two\n' });
    expect(result.stdout).toBe('line one\nline two\n');
  });

  it('passes arguments as they are, never through a shell', async () => {
    const result = await run('printf', ['%s|', '$(echo no)', 'a b', "'quoted'"], { cwd: '/tmp', env });
    expect(result.stdout).toBe("$(echo no)|a b|'quoted'|");
  });

  it('ends a command that outlives its timeout', async () => {
    const startedAt = Date.now();
    const result = await run('sleep', ['30'], { cwd: '/tmp', env, timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGTERM');
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it('reports a command that cannot start', async () => {
    const result = await run('awo-no-such-command', [], { cwd: '/tmp', env });
    expect(result.exitCode).toBeNull();
    expect(result.spawnError).toMatch(/ENOENT/);
  });

  it('runs commands at once and gives each its own answer', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, index) => run('sh', ['-c', `sleep 0.0${index}; echo ${index}`], { cwd: '/tmp', env })));
    expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 8 }, (_, index) => `${index}\n`));
  });

  it('runs a command as another user', async () => {
    const asRoot = process.getuid?.() === 0;
    const result = await run('id', ['-u'], { cwd: '/tmp', env, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    expect(result.stdout.trim()).toBe(asRoot ? '65534' : String(process.getuid?.()));
  });
});

describe('runProcessChecked', () => {
  it('throws with the command and its stderr when checked', async () => {
    await expect(runProcessChecked('sh', ['-c', 'echo "no such thing" >&2; exit 1'])).rejects.toThrow(/sh -c failed: no such thing/);
    await expect(runProcessChecked('sh', ['-c', 'echo fine'])).resolves.toBe('fine\n');
  });
});

/** Everything the process wrote to stdout and stderr, and how it ended, once it closed. */
function collect(started: StartedProcess): Promise<{ stdout: Buffer; stderr: string; exit: unknown[]; close: unknown[] }> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  started.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  started.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let exit: unknown[] = [];
  started.on('exit', (...args) => (exit = args));
  return new Promise((resolve) =>
    started.once('close', (...close) => resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString(), exit, close })),
  );
}

/** The parent and the process group of a running process, from /proc. */
function parentAndGroup(pid: number): { ppid: number; pgid: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return { ppid: Number(fields[1]), pgid: Number(fields[2]) };
}

describe.each([
  ['by the spawner process', startProcess, processSpawnerStarted],
  ['by this process itself (while the spawner starts)', startProcessHere, () => Promise.resolve()],
])('startProcess: long-running processes started %s', (by, start, started) => {
  beforeAll(() => started());

  it('relays stdin as it is written, stdout byte for byte, stderr, and the exit code, in its own process group', async () => {
    const running = await start('sh', ['-c', 'read first; echo "got:$first"; cat; echo "[$MARK]" >&2; exit 3'], { cwd: '/tmp', env: { ...env, MARK: 'given' }, detached: true });
    const { ppid, pgid } = parentAndGroup(running.pid);
    expect(pgid).toBe(running.pid);
    if (by.startsWith('by the spawner')) expect(ppid).not.toBe(process.pid);
    else expect(ppid).toBe(process.pid);
    const ended = collect(running);
    running.stdin.write('one\n');
    // Bytes that are not UTF-8 on their own must arrive as they were sent.
    running.stdin.write(Buffer.from([0xe2, 0x82]));
    running.stdin.end(Buffer.from([0xac, 0x0a]));
    const { stdout, stderr, exit, close } = await ended;
    expect(stdout.toString()).toBe('got:one\n€\n');
    expect(stderr).toBe('[given]\n');
    expect(exit).toEqual([3, null]);
    expect(close).toEqual([3, null]);
  });

  it('tells the exit and close of a process that ends at once to listeners added after the start resolved', async () => {
    const running = await start('sh', ['-c', 'echo bye; kill -TERM $$'], { cwd: '/tmp', env });
    const { stdout, close } = await collect(running);
    expect(stdout.toString()).toBe('bye\n');
    expect(close).toEqual([null, 'SIGTERM']);
  });

  it('rejects when the process cannot start', async () => {
    await expect(start('awo-no-such-command', [], { cwd: '/tmp', env })).rejects.toThrow(/ENOENT/);
  });

  it('starts the process as another user', async () => {
    const asRoot = process.getuid?.() === 0;
    const running = await start('id', ['-u'], { cwd: '/tmp', env, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    const { stdout } = await collect(running);
    expect(stdout.toString().trim()).toBe(asRoot ? '65534' : String(process.getuid?.()));
  });
});
