import { report } from './harness/metrics.js';
import { get } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnApi, type ApiProcess } from './harness/api-process.js';
import { holdTableLock, waitForLockWaiters } from './harness/faults.js';
import { openSql, PASSWORD, signUp, type Sql } from './harness/flows.js';
import { HttpClient } from './harness/http-client.js';
import { waitFor } from './harness/ports.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';

/**
 * SIGTERM (a deploy, a scale-down): requests already in flight finish with their normal answer,
 * new ones are refused (connection refused or 503), and the process exits 0 within 10 s.
 */

/** server.ts forces exit(1) after 10 s: a clean shutdown must come well before. */
const SHUTDOWN_LIMIT_MS = 10_000;
const IN_FLIGHT = 6;

let pg: PostgresServer;
let dbUrl: string;
let sql: Sql;
const apis: ApiProcess[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase('shutdown');
  sql = openSql(dbUrl);
});
afterAll(async () => {
  await sql?.end();
  for (const api of apis) await api.stop('SIGKILL');
  await pg?.destroy();
});

async function start() {
  // A connection per sign-in, so each one held in flight waits on the lock inside PostgreSQL,
  // where waitForLockWaiters can count it; with the default pool (a few connections) the rest
  // would wait for a connection inside the API, out of the probe's sight.
  const api = await spawnApi({
    databaseUrl: dbUrl,
    env: { DATABASE_POOL_SIZE: String(IN_FLIGHT) },
  });
  apis.push(api);
  return api;
}

/**
 * How a request on a new connection (as a new client would open) ended: its HTTP status, or
 * the transport error's code.
 */
function attempt(url: string): Promise<string> {
  return new Promise((resolve) => {
    const request = get(`${url}/api/auth/session`, { agent: false, timeout: 5_000 }, (response) => {
      response.resume();
      resolve(String(response.statusCode));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
/**
 * How a new request is refused while the server closes: 503 on a connection it still reads,
 * ECONNREFUSED once it stops listening, or ECONNRESET for a connection accepted just before
 * that and closed by the idle-connection reaper before its request was read (nothing ran).
 */
const REFUSED = new Set(['503', 'ECONNREFUSED', 'ECONNRESET']);

it('exits 0 quickly when idle', async () => {
  const api = await start();
  const user = await signUp(api.url, sql);
  expect((await user.client.get('/api/auth/session')).status).toBe(200);
  const sent = performance.now();
  const exit = await api.stop('SIGTERM');
  const shutdownMs = Math.round(performance.now() - sent);
  report(`shutdown idle: exit code ${exit.code} after ${shutdownMs} ms`);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(shutdownMs).toBeLessThan(SHUTDOWN_LIMIT_MS);
});

it('finishes in-flight sign-ins, refuses new requests, exits 0', async () => {
  const api = await start();
  const people = [];
  for (let i = 0; i < IN_FLIGHT; i += 1) people.push(await signUp(api.url, sql));
  const sessionsBefore = await sql`select id from sessions`;

  // Sign-ins write their security event last: holding that table keeps them in flight.
  const lock = await holdTableLock(dbUrl, 'security_events');
  let answers: { status: number; json: { status?: string } | undefined }[];
  let refusals: string[] = [];
  let shutdownMs: number;
  try {
    const clients = people.map(() => new HttpClient(api.url));
    const inFlight = Promise.all(
      people.map((person, i) =>
        clients[i]!.post('/api/auth/login', { email: person.email, password: PASSWORD }),
      ),
    );
    await waitForLockWaiters(sql, IN_FLIGHT);

    const sent = performance.now();
    api.child.kill('SIGTERM');
    // New requests are refused while the old ones are still held by the lock.
    await waitFor('new requests to be refused', async () => {
      const outcome = await attempt(api.url);
      refusals.push(outcome);
      return REFUSED.has(outcome);
    });
    refusals = refusals.filter((outcome) => outcome !== '401');
    const refusedMs = Math.round(performance.now() - sent);
    // The process waits for its in-flight requests however long they take (up to the 10 s cap).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(api.child.exitCode).toBeNull();
    await lock.release();

    answers = await inFlight;
    const exit = await api.exited;
    shutdownMs = Math.round(performance.now() - sent);
    expect(exit).toEqual({ code: 0, signal: null });
    report(
      `shutdown with ${IN_FLIGHT} sign-ins in flight: answers ` +
        `${JSON.stringify(answers.map((a) => a.status))}, new requests refused after ` +
        `${refusedMs} ms (${[...new Set(refusals)].join(', ')}), exit code ${exit.code} after ` +
        `${shutdownMs} ms`,
    );
    // Every in-flight sign-in got its normal answer, and its session is a real row.
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.json?.status).toBe('authenticated');
    }
    const sessionsAfter = await sql`select id from sessions`;
    expect(sessionsAfter.length - sessionsBefore.length).toBe(IN_FLIGHT);
    for (const outcome of refusals) expect(REFUSED.has(outcome), outcome).toBe(true);
    expect(shutdownMs).toBeLessThan(SHUTDOWN_LIMIT_MS);
  } finally {
    await lock.release();
  }
  // After the exit nothing listens any more.
  expect(await attempt(api.url)).toBe('ECONNREFUSED');
});
