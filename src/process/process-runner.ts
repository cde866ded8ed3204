import { type ChildProcess, spawn } from 'node:child_process';
import { type RelayEvent, RelayedProcess, type RelayRequest, serveRelay, type StartedProcess, type StartOptions, startProcessHere } from './relayed-process.js';

export interface RunOptions {
  cwd: string;
  /** The whole environment of the command (nothing of the worker's own is added). */
  env: Record<string, string | undefined>;
  uid?: number;
  gid?: number;
  /** Written to the command's stdin, which is closed after it; no stdin at all when absent. */
  input?: string;
  /** SIGTERM after this long, SIGKILL 5 s later. */
  timeoutMs?: number;
  /** How stdout is decoded: base64 carries binary output (a pack) through the spawner's JSON channel intact. */
  stdoutEncoding?: 'utf8' | 'base64';
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The command could not be started at all (e.g. not on PATH). */
  spawnError: string | null;
}

/**
 * Idle this long, the spawner process (~40 MiB RSS) ends, so an idle worker holds no memory for it; the next command
 * starts it again (one spawn from the worker, as each command cost before).
 */
const spawnerIdleMs = 10_000;

interface CommandRequest extends RunOptions {
  file: string;
  args: string[];
}

/**
 * Runs one command to its end and replies once with its result. The spawner process runs this function's own source,
 * and the worker runs it itself while the spawner starts: plain JavaScript that names nothing but its parameters and
 * Node's globals, so it behaves the same in both.
 */
function runCommand(spawnCommand: typeof spawn, request: CommandRequest, reply: (result: RunResult) => void): void {
  let replied = false;
  const answer = (fields: Partial<RunResult>) => {
    if (replied) return;
    replied = true;
    reply({ exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, spawnError: null, ...fields });
  };
  let child: ReturnType<typeof spawn>;
  try {
    child = spawnCommand(request.file, request.args, {
      cwd: request.cwd,
      env: request.env,
      uid: request.uid,
      gid: request.gid,
      stdio: [request.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    answer({ spawnError: String((error as Error)?.message || error) });
    return;
  }
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let timedOut = false;
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const timer = request.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }, request.timeoutMs)
    : null;
  child.on('error', (error) => {
    if (timer) clearTimeout(timer);
    answer({ spawnError: String(error?.message || error) });
  });
  child.on('close', (exitCode, signal) => {
    if (timer) clearTimeout(timer);
    answer({ exitCode, signal, timedOut, stdout: Buffer.concat(stdout).toString(request.stdoutEncoding || 'utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
  });
  if (request.input !== undefined) {
    child.stdin!.on('error', () => {});
    child.stdin!.end(request.input);
  }
}

/** Runs the command from this process itself, as the spawner would (see ProcessSpawner.run for when). */
export function runProcessHere(file: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => runCommand(spawn, { file, args, ...options }, resolve));
}

/**
 * The spawner itself: plain CommonJS run with `node -e`, only Node built-ins, so it runs the same from dist/ and
 * under jest. It says when it listens, ignores the terminal's SIGINT/SIGTERM (its parent decides when work stops) and
 * ends with its channel.
 */
const spawnerSource = `
const { spawn } = require('node:child_process');
const runCommand = ${runCommand.toString()};
const serveRelay = ${serveRelay.toString()};
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('disconnect', () => process.exit(0));
const relay = serveRelay(spawn, (event) => {
  if (process.connected) process.send(event);
});
process.on('message', (request) => {
  if (request.kind) return relay(request);
  runCommand(spawn, request, (result) => {
    if (process.connected) process.send({ id: request.id, ...result });
  });
});
process.send({ ready: true });
`;

interface Pending {
  resolve: (result: RunResult) => void;
  reject: (error: Error) => void;
}

interface Relayed {
  process: RelayedProcess;
  /** Until the spawner tells whether it started. */
  starting: { resolve: (started: StartedProcess) => void; reject: (error: Error) => void } | null;
}

/**
 * Starts short commands (git, chown, chmod) from a small helper process instead of the worker's own. Linux forks the
 * parent for every spawn, and the fork copies its page tables: a worker of ~300 MiB blocked its event loop 15 ms per
 * spawn and took 60 ms per command where a 60 MiB process takes 3 and 11. The helper is started on first use and ends
 * when idle, or with the worker.
 */
class ProcessSpawner {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  /** Long-running processes it started for this one, until they close. */
  private readonly relayed = new Map<number, Relayed>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  /** The running spawner has said it listens. */
  private ready = false;
  private readyWaiters: Array<() => void> = [];

  run(file: string, args: string[], options: RunOptions): Promise<RunResult> {
    const child = this.ensureStarted();
    // Starting the spawner takes a Node start-up (100-300 ms on a loaded host): the commands asked for meanwhile run
    // from here, each one fork of the worker, as before the spawner existed.
    if (!this.ready) return runProcessHere(file, args, options);
    const id = this.nextId++;
    this.busy(child);
    return new Promise<RunResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, file, args, cwd: options.cwd, env: options.env, uid: options.uid, gid: options.gid, input: options.input, timeoutMs: options.timeoutMs, stdoutEncoding: options.stdoutEncoding }, (error) => {
        if (error) this.settle(id, (entry) => entry.reject(error));
      });
    });
  }

  /**
   * A long-running process with its stdio piped to this one (an agent CLI): forked by the spawner, its output and
   * input relayed. Resolves once it runs; rejects when it cannot start.
   */
  start(file: string, args: string[], options: StartOptions): Promise<StartedProcess> {
    const child = this.ensureStarted();
    if (!this.ready) return startProcessHere(file, args, options);
    const id = this.nextId++;
    this.busy(child);
    const send = (request: RelayRequest) => {
      if (child.connected) child.send(request, () => undefined);
    };
    const relayed: Relayed = { process: new RelayedProcess(id, send), starting: null };
    this.relayed.set(id, relayed);
    return new Promise<StartedProcess>((resolve, reject) => {
      relayed.starting = { resolve, reject };
      send({ kind: 'start', id, file, args, cwd: options.cwd, env: options.env, uid: options.uid, gid: options.gid, detached: options.detached });
    });
  }

  private relayEvent(event: RelayEvent): void {
    const relayed = this.relayed.get(event.id);
    if (!relayed) return;
    const { starting } = relayed;
    if (starting && event.event === 'error') {
      this.relayed.delete(event.id);
      starting.reject(new Error(event.message));
      this.idleIfUnused();
      return;
    }
    relayed.process.receive(event);
    if (starting && event.event === 'spawn') {
      relayed.starting = null;
      starting.resolve(relayed.process);
    }
    if (event.event === 'close') {
      this.relayed.delete(event.id);
      this.idleIfUnused();
    }
  }

  private ensureStarted(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = spawn(process.execPath, ['-e', spawnerSource], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { PATH: process.env.PATH } });
    this.ready = false;
    child.on('message', (message: (RunResult & { id: number }) | RelayEvent | { ready: true }) => {
      if ('event' in message) {
        if (this.child === child) this.relayEvent(message);
        return;
      }
      if ('ready' in message) {
        if (this.child !== child) return;
        this.ready = true;
        for (const wake of this.readyWaiters.splice(0)) wake();
        return;
      }
      const { id, ...result } = message;
      this.settle(id, (entry) => entry.resolve(result));
    });
    const gone = () => {
      if (this.child !== child) return;
      this.child = null;
      this.ready = false;
      for (const wake of this.readyWaiters.splice(0)) wake();
      // A command whose helper died may or may not have run: the caller's retry decides, as for a crashed worker.
      for (const id of [...this.pending.keys()]) this.settle(id, (entry) => entry.reject(new Error('the process spawner exited before the command ended')));
      for (const [id, { process: relayed, starting }] of this.relayed) {
        this.relayed.delete(id);
        if (starting) starting.reject(new Error('the process spawner exited before the process started'));
        else relayed.lost();
      }
    };
    child.on('exit', gone);
    child.on('error', gone);
    this.child = child;
    // Until a command is sent to it, it waits like an idle one: it keeps nothing alive and ends if none comes.
    this.becomeIdle(child);
    return child;
  }

  /** Resolves once a spawner is started and listening (tests: the commands after it run there, not here). */
  async started(): Promise<void> {
    this.ensureStarted();
    if (!this.ready) await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
  }

  private settle(id: number, finish: (entry: Pending) => void): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    finish(entry);
    this.idleIfUnused();
  }

  private busy(child: ChildProcess): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.setReferenced(child, true);
  }

  private idleIfUnused(): void {
    if (this.pending.size > 0 || this.relayed.size > 0 || !this.child) return;
    this.becomeIdle(this.child);
  }

  /** Idle: it must not keep the worker (or a test run) alive, and ends after a while to give its memory back. */
  private becomeIdle(child: ChildProcess): void {
    this.setReferenced(child, false);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.child === child && this.pending.size === 0 && this.relayed.size === 0) child.disconnect();
    }, spawnerIdleMs);
    this.idleTimer.unref();
  }

  private setReferenced(child: ChildProcess, referenced: boolean): void {
    const channel = child.channel as { ref(): void; unref(): void } | undefined;
    if (referenced) {
      child.ref();
      channel?.ref();
    } else {
      child.unref();
      channel?.unref();
    }
  }
}

const spawner = new ProcessSpawner();

/** Resolves once the spawner listens (tests of the spawner's own path). */
export function processSpawnerStarted(): Promise<void> {
  return spawner.started();
}

/** Runs a command to its end and collects its output; never through a shell, never throws for a failing command. */
export function runProcess(file: string, args: string[], options: RunOptions): Promise<RunResult> {
  return spawner.run(file, args, options);
}

/**
 * Starts a long-running process with piped stdio from the spawner (from this process while the spawner starts): a fork
 * of the small spawner, not of the worker, whose fork blocked the event loop for 3-10 ms before each agent step.
 */
export function startProcess(file: string, args: string[], options: StartOptions): Promise<StartedProcess> {
  return spawner.start(file, args, options);
}

/** The last three lines of a process's stderr, on one line: enough to name a failure in a message or a log field. */
export function lastLines(stderr: string): string {
  return stderr.trim().split('\n').slice(-3).join(' ');
}

/** Like runProcess, but a command that fails (or cannot start) throws an error naming it with its stderr. */
export async function runProcessChecked(file: string, args: string[], options: Partial<RunOptions> = {}): Promise<string> {
  const result = await runProcess(file, args, { ...options, cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env });
  if (result.exitCode !== 0) {
    const reason = result.spawnError ?? (lastLines(result.stderr) || `exit ${result.exitCode ?? result.signal ?? 'none'}`);
    throw new Error(`${file} ${args[0] ?? ''} failed: ${reason}`);
  }
  return result.stdout;
}
