import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from '#postgres';

const run = promisify(execFile);
const DEFAULT_PG_BIN = '/usr/lib/postgresql/15/bin';

/** A TCP port on loopback that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A throwaway PostgreSQL cluster on a loopback port of its own, owned by the caller (the
 * resilience suite, the benchmark): it can be stopped and started again to simulate an outage.
 * As root the server runs as `postgres`.
 */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** Starts the stopped server again on the same port and data directory. */
  start(): Promise<void>;
  /** `fast` ends connections cleanly; `immediate` is a crash without a checkpoint. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** A new database on this server, returned as its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Extra server settings, e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`. */
  settings?: Record<string, string | number>;
  /** Directory of `initdb` and `pg_ctl`; default `PG_BIN` or Debian's PostgreSQL 15. */
  binDir?: string;
}

/** The settings every throwaway cluster runs with: loopback only, durability off (tests and benchmarks). */
const BASE_SETTINGS: Record<string, string | number> = {
  listen_addresses: '127.0.0.1',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: 300,
};

function asPostgres(command: string, args: string[]) {
  const root = process.getuid?.() === 0;
  return root ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const settings = { ...BASE_SETTINGS, ...options.settings };
  for (const [name, value] of Object.entries(settings)) {
    // Each one becomes part of a single `pg_ctl -o` string: no quoting games.
    if (!/^[a-z_.]+$/.test(name) || !/^[\w.,:/-]+$/.test(String(value))) {
      throw new Error(`startPostgres: unsupported setting ${name}=${String(value)}`);
    }
  }
  const binDir = options.binDir ?? process.env.PG_BIN ?? DEFAULT_PG_BIN;
  if (!existsSync(path.join(binDir, 'initdb'))) {
    throw new Error(
      `PostgreSQL server binaries not found in ${binDir}: apt-get install -y postgresql (or set PG_BIN)`,
    );
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'twofold-pg-'));
  if (process.getuid?.() === 0) chownSync(dir, ...(await postgresIds()));
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  await asPostgres(path.join(binDir, 'initdb'), [
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
  ]);
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(' ');
  const pgCtl = path.join(binDir, 'pg_ctl');
  const start = async () => {
    await asPostgres(pgCtl, [
      '-D',
      dataDir,
      '-l',
      path.join(dir, 'log'),
      '-w',
      '-o',
      serverOptions,
      'start',
    ]);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await asPostgres(pgCtl, ['-D', dataDir, '-m', mode, '-w', 'stop']);
  };
  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    start,
    stop,
    async createDatabase(name) {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`create database "${name}"`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async destroy() {
      await stop('immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return [Number(uid.trim()), Number(gid.trim())];
}
