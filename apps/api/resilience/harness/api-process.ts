import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ephemeralSecretEnv } from '@twofold/fastify';
import { freePort, waitFor } from './ports.js';

const apiDir = fileURLToPath(new URL('../..', import.meta.url));

/** Variables the suite decides per process; never inherited from the shell that runs it. */
const OWNED = ['DATABASE_URL', 'SMTP_URL', 'REDIS_URL', 'PORT', 'HOST', 'DATA_DIR', 'NODE_ENV'];

/** Secrets shared by every API process of one scenario, so they accept each other's cookies. */
export function sharedSecrets(): Record<string, string> {
  return ephemeralSecretEnv() as Record<string, string>;
}

export interface ApiProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resident set size in KiB, from /proc. */
  rssKiB(): number;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnApiOptions {
  /** DATABASE_URL of the process (required: resilience runs against real PostgreSQL). */
  databaseUrl: string;
  /** From `sharedSecrets()`; a fresh set when omitted. */
  secrets?: Record<string, string>;
  /** Any other environment (SMTP_URL, REDIS_URL, RATE_LIMIT_AUTH_MAX, LOG_LEVEL...). */
  env?: Record<string, string>;
}

/**
 * The real API server (`src/server.ts`) as a child process on a loopback port of its own,
 * started the way `pnpm dev` does (tsx, workspace sources). Resolves once /api/health answers.
 */
export async function spawnApi(options: SpawnApiOptions): Promise<ApiProcess> {
  const port = await freePort();
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !OWNED.includes(name)),
  );
  const child = spawn(
    process.execPath,
    ['--conditions=@twofold/source', '--import', 'tsx', 'src/server.ts'],
    {
      cwd: apiDir,
      env: {
        ...inherited,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'twofold-resilience-api-')),
        DATABASE_URL: options.databaseUrl,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_AUTH_MAX: '1000000',
        ...(options.secrets ?? sharedSecrets()),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const url = `http://127.0.0.1:${port}`;

  let ended = false;
  void exited.then(() => (ended = true));
  try {
    await waitFor(
      `the API on port ${port}`,
      async () => ended || (await fetch(`${url}/api/health`)).ok,
      60_000,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
  }
  if (ended) throw new Error(`the API exited during start-up:\n${output}`);

  return {
    url,
    port,
    pid: child.pid!,
    child,
    output: () => output,
    rssKiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    },
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
