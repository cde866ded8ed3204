import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough, type Readable, Writable } from 'node:stream';

export interface StartOptions {
  cwd: string;
  /** The whole environment of the process (nothing of the worker's own is added). */
  env: Record<string, string | undefined>;
  uid?: number;
  gid?: number;
  /** Its own session and process group, so everything it starts can be ended with it. */
  detached?: boolean;
}

/** What a caller of a long-running process uses of it, whichever process forked it. */
export interface StartedProcess {
  readonly pid: number;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'exit' | 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
}

/** Between a spawner and the process it runs for the worker: the worker's side asks, the spawner's side tells. */
export type RelayRequest =
  | ({ kind: 'start'; id: number; file: string; args: string[] } & StartOptions)
  | { kind: 'stdin'; id: number; data: string }
  | { kind: 'stdin-end'; id: number };

export type RelayEvent =
  | { id: number; event: 'spawn'; pid: number }
  | { id: number; event: 'stdout' | 'stderr'; data: string }
  | { id: number; event: 'exit' | 'close'; code: number | null; signal: NodeJS.Signals | null }
  | { id: number; event: 'error'; message: string };

/**
 * The spawner's side: starts each process asked for with piped stdio and tells every event of it (output as base64,
 * exact bytes). Plain JavaScript that names nothing but its parameters and Node's globals: the spawner runs its source.
 */
export function serveRelay(spawnCommand: typeof spawn, tell: (event: RelayEvent) => void): (request: RelayRequest) => void {
  const running = new Map<number, ChildProcess>();
  return (request) => {
    const { id } = request;
    if (request.kind === 'stdin') {
      running.get(id)?.stdin?.write(Buffer.from(request.data, 'base64'));
      return;
    }
    if (request.kind === 'stdin-end') {
      running.get(id)?.stdin?.end();
      return;
    }
    let child: ChildProcess;
    try {
      child = spawnCommand(request.file, request.args, {
        cwd: request.cwd,
        env: request.env,
        uid: request.uid,
        gid: request.gid,
        detached: request.detached === true,
        stdio: 'pipe',
      });
    } catch (error) {
      tell({ id, event: 'error', message: String((error as Error)?.message || error) });
      return;
    }
    running.set(id, child);
    // It may end while a write is on its way: its exit tells what happened, not EPIPE.
    child.stdin!.on('error', () => {});
    child.stdout!.on('data', (chunk: Buffer) => tell({ id, event: 'stdout', data: chunk.toString('base64') }));
    child.stderr!.on('data', (chunk: Buffer) => tell({ id, event: 'stderr', data: chunk.toString('base64') }));
    child.once('spawn', () => tell({ id, event: 'spawn', pid: child.pid! }));
    child.once('error', (error) => {
      if (child.pid === undefined) running.delete(id);
      tell({ id, event: 'error', message: String(error?.message || error) });
    });
    child.on('exit', (code, signal) => tell({ id, event: 'exit', code, signal }));
    child.once('close', (code, signal) => {
      running.delete(id);
      tell({ id, event: 'close', code, signal });
    });
  };
}

/**
 * The worker's side of a process the spawner runs. Its output arrives in the streams; `exit` and `close` are told
 * after the current tick's promise callbacks, so a caller that awaited the start has its listeners on before them.
 */
export class RelayedProcess extends EventEmitter implements StartedProcess {
  pid = 0;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin: Writable;
  private ended = false;

  constructor(
    readonly id: number,
    send: (request: RelayRequest) => void,
  ) {
    super();
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (!this.ended) send({ kind: 'stdin', id, data: chunk.toString('base64') });
        done();
      },
      final: (done) => {
        if (!this.ended) send({ kind: 'stdin-end', id });
        done();
      },
    });
  }

  /** One event of the process, as the spawner told it. */
  receive(event: RelayEvent): void {
    switch (event.event) {
      case 'stdout':
      case 'stderr':
        this[event.event].write(Buffer.from(event.data, 'base64'));
        return;
      case 'spawn':
        this.pid = event.pid;
        return;
      case 'exit':
        setImmediate(() => this.emit('exit', event.code, event.signal));
        return;
      case 'close':
        this.end(event.code, event.signal);
        return;
      case 'error':
        setImmediate(() => this.emit('error', new Error(event.message)));
        return;
    }
  }

  /** The spawner is gone: so are the pipes to the process, which counts as closed without a code. */
  lost(): void {
    if (this.ended) return;
    setImmediate(() => this.emit('exit', null, null));
    this.end(null, null);
  }

  private end(code: number | null, signal: NodeJS.Signals | null): void {
    this.ended = true;
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('close', code, signal));
  }
}

/** Started by this process itself, as the spawner would (while the spawner starts). */
export function startProcessHere(file: string, args: string[], options: StartOptions): Promise<StartedProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, uid: options.uid, gid: options.gid, detached: options.detached === true, stdio: 'pipe' });
    child.once('spawn', () => resolve(child as ChildProcess & StartedProcess));
    child.once('error', (error) => {
      if (child.pid === undefined) reject(error);
    });
  });
}
