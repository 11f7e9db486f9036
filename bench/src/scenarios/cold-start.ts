import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { freePort } from '@twofold/db/postgres-server';
import type { BenchContext } from '../lib/context.js';
import { repoRoot } from '../lib/paths.js';
import { baseEnv, killTree, onCleanup, refuseWhenStopping, sleep } from '../lib/processes.js';

/** The SPA dev server's port (apps/web/vite.config.ts). */
const VITE_PORT = 5173;

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * 6. Cold start: `pnpm dev` in the repository with an empty DATA_DIR (embedded PGlite created
 * and migrated, dev secrets generated), timed from spawn to the first 200 of /api/health.
 * Everything it started is ended afterwards, and checked to be gone.
 */
export async function runColdStart(ctx: BenchContext) {
  const { report, settings } = ctx;
  const port = await freePort();
  const viteWasFree = await portFree(VITE_PORT);
  if (!viteWasFree) {
    report.note(
      `cold start: port ${VITE_PORT} was already taken, so the SPA dev server cannot start (the API can)`,
    );
  }
  const env: Record<string, string> = {
    ...baseEnv(),
    DATA_DIR: ctx.tempDir('cold-start'),
    PORT: String(port),
    TURBO_TELEMETRY_DISABLED: '1',
  };
  refuseWhenStopping('pnpm dev');
  let output = '';
  const started = performance.now();
  const child = spawn('pnpm', ['dev'], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  let exited = false;
  child.on('exit', () => (exited = true));
  const leader = child.pid!;
  let leftovers: number[] = [];
  const end = onCleanup('pnpm dev', async () => {
    leftovers = await killTree(leader);
  });

  let seconds: number | null = null;
  try {
    const deadline = started + settings.coldStartTimeoutS * 1000;
    while (performance.now() < deadline && !exited) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`, {
          signal: AbortSignal.timeout(1_000),
        });
        await response.arrayBuffer();
        if (response.status === 200) {
          seconds = (performance.now() - started) / 1000;
          break;
        }
      } catch {
        // not up yet
      }
      await sleep(50);
    }
  } finally {
    await end();
  }

  const apiPortFree = await portFree(port);
  const vitePortFree = !viteWasFree || (await portFree(VITE_PORT));
  const problems = [
    leftovers.length > 0 && `processes left running: ${leftovers.join(', ')}`,
    !apiPortFree && `port ${port} still taken`,
    !vitePortFree && `port ${VITE_PORT} still taken`,
  ].filter(Boolean);
  if (problems.length > 0) report.note(`cold start clean-up: ${problems.join('; ')}`);

  const row = report.addValue({
    id: 'cold-start',
    label: 'cold start: pnpm dev -> /api/health',
    value: seconds,
    unit: 's',
    note: 'embedded PGlite, empty DATA_DIR',
    details: { port, leftovers },
  });
  report.addTarget({
    id: 'cold-start',
    scenario: row.id,
    description: 'seconds to healthy',
    comparator: '<=',
    threshold: 15,
    unit: ' s',
    value: seconds,
    invalid:
      seconds === null
        ? `no healthy /api/health within ${settings.coldStartTimeoutS} s${exited ? ' (pnpm dev exited)' : ''}:\n${output.slice(-2000)}`
        : undefined,
  });
}
