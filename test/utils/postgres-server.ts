import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A throwaway PostgreSQL server: one per test file that needs it, stopped in afterAll. */
export interface TestPostgres {
  /** postgresql://awo@127.0.0.1:PORT/postgres */
  url: string;
  /** A fresh, empty database on this server, for one test's isolation. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const superuser = 'awo';

/**
 * Finds initdb/postgres (PATH, then Debian's /usr/lib/postgresql/<version>/bin) and installs Debian's `postgresql`
 * package when neither has them and we may (root with apt-get), as on a fresh CI machine.
 */
function findPostgresBinDir(): string {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).find((dir) => dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres')));
  if (onPath) return onPath;
  const debianRoot = '/usr/lib/postgresql';
  const versions = existsSync(debianRoot) ? readdirSync(debianRoot).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  const debian = versions.map((version) => path.join(debianRoot, version, 'bin')).find((dir) => existsSync(path.join(dir, 'initdb')));
  if (debian) return debian;
  return '';
}

function ensurePostgresInstalled(): string {
  const found = findPostgresBinDir();
  if (found) return found;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error('PostgreSQL (initdb, postgres) is not installed and cannot be installed here; on Debian: apt-get install -y postgresql');
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'], { env, stdio: 'ignore' });
  const installed = findPostgresBinDir();
  if (!installed) throw new Error('apt-get installed postgresql but initdb was not found under /usr/lib/postgresql/*/bin');
  return installed;
}

/** PostgreSQL refuses to run as root: as root, run it as `nobody` (setpriv execs, so the pid we hold is postgres's). */
function unprivileged(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
  return ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', command, ...args]];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const binDir = ensurePostgresInstalled();
  const root = await mkdtemp(path.join(os.tmpdir(), 'awo-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const dataDir = path.join(root, 'data');
  const [initdb, initdbArgs] = unprivileged(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', superuser, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
  execFileSync(initdb, initdbArgs, { stdio: 'pipe' });

  const port = await freePort();
  // fsync off: a test database need not survive a power cut, and it makes every commit much faster.
  const [postgres, postgresArgs] = unprivileged(path.join(binDir, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-k', root, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
  ]);
  const server: ChildProcess = spawn(postgres, postgresArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000);
    if (process.env.AWO_TEST_VERBOSE) process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `postgresql://${superuser}@127.0.0.1:${port}/postgres`;

  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch {
      await client.end().catch(() => undefined);
      if (server.exitCode !== null || Date.now() > deadline) {
        server.kill('SIGKILL');
        await rm(root, { recursive: true, force: true });
        throw new Error(`test PostgreSQL did not start on port ${port}:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/[^\w]/g, '_')}"`);
      } finally {
        await client.end();
      }
      return `postgresql://${superuser}@127.0.0.1:${port}/${name.replace(/[^\w]/g, '_')}`;
    },
    async stop() {
      if (server.exitCode === null) {
        // SIGINT: PostgreSQL's fast shutdown (ends sessions, no waiting for clients to leave).
        server.kill('SIGINT');
        const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
