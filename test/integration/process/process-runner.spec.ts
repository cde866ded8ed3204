import { processSpawnerStarted, runProcess, runProcessChecked, runProcessHere } from '../../../src/process/process-runner.js';

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
