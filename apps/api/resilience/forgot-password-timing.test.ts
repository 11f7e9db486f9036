import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnApi, type ApiProcess } from './harness/api-process.js';
import { openSql, PASSWORD, uniqueEmail, type Sql } from './harness/flows.js';
import { HttpClient } from './harness/http-client.js';
import { percentile, report } from './harness/metrics.js';
import { SmtpSink } from './harness/smtp-sink.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';

/**
 * Whether an address has an account must not show in how long `POST /api/auth/password/forgot`
 * takes. Against the real API process, with real SMTP (a sink in this process) and PostgreSQL,
 * known and unknown addresses alternate; each known try really issues and mails a code (the
 * resend cooldown is cleared before it), the slowest case. The medians must differ by < 1 ms.
 *
 * Spacing: after each try the next waits until that try's background work is over (for a known
 * address, until its mail reached the sink), then a fixed pause for the security event written
 * after the mail; unknown tries get the same pause. So no try is measured while the work of
 * the one before still runs in the API.
 */

const TRIES_PER_SIDE = 200;
const WARM_UP = 20;
const PAUSE_MS = 30;
const MAX_MEDIAN_GAP_MS = 1;

let pg: PostgresServer;
let dbUrl: string;
let api: ApiProcess;
let sql: Sql;
const sink = new SmtpSink();

beforeAll(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase('forgot_timing');
  await sink.start();
  api = await spawnApi({ databaseUrl: dbUrl, env: { SMTP_URL: sink.url } });
  sql = openSql(dbUrl);
});
afterAll(async () => {
  await sql?.end();
  await api?.stop();
  await sink.stop();
  await pg?.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

it('answers a known and an unknown address after the same work: medians within 1 ms', async () => {
  const known = uniqueEmail('timing-known');
  const client = new HttpClient(api.url);
  expect(
    (await client.post('/api/auth/register', { email: known, password: PASSWORD })).status,
  ).toBe(201);
  const verified = await client.post('/api/auth/register/verify', { code: sink.latestCode(known) });
  expect(verified.status, verified.text).toBe(200);
  const userId = verified.json.user.id as string;

  // One keep-alive connection for every try, as a script probing addresses would use.
  const forgot = new HttpClient(api.url);
  const mailsTo = (to: string) => sink.mails.filter((mail) => mail.to.includes(to)).length;

  async function once(kind: 'known' | 'unknown'): Promise<number> {
    const email = kind === 'known' ? known : uniqueEmail('timing-unknown');
    if (kind === 'known') {
      // Clear the 60-second resend wait, so this try issues and mails a code (the most work).
      await sql`delete from email_codes where user_id = ${userId} and purpose = 'password_reset'`;
    }
    const before = mailsTo(known);
    const started = performance.now();
    const answer = await forgot.post('/api/auth/password/forgot', { email });
    const elapsed = performance.now() - started;
    expect(answer.status).toBe(200);
    if (kind === 'known') await waitUntil(() => mailsTo(known) > before, 'the reset mail');
    await sleep(PAUSE_MS);
    return elapsed;
  }

  for (let n = 0; n < WARM_UP; n += 1) {
    await once('known');
    await once('unknown');
  }
  const times = { known: [] as number[], unknown: [] as number[] };
  for (let n = 0; n < TRIES_PER_SIDE; n += 1) {
    // Alternate which side goes first, so neither always follows the other.
    const order: ('known' | 'unknown')[] =
      n % 2 === 0 ? ['known', 'unknown'] : ['unknown', 'known'];
    for (const kind of order) times[kind].push(await once(kind));
  }

  const median = { known: percentile(times.known, 50), unknown: percentile(times.unknown, 50) };
  const gap = Math.abs(median.known - median.unknown);
  report(
    `forgot-password timing over ${2 * TRIES_PER_SIDE} alternating tries (real SMTP, every ` +
      `known try mails a code): median known ${median.known.toFixed(2)} ms, unknown ` +
      `${median.unknown.toFixed(2)} ms, difference ${gap.toFixed(2)} ms; p90 known ` +
      `${percentile(times.known, 90).toFixed(2)} ms, unknown ${percentile(times.unknown, 90).toFixed(2)} ms`,
  );
  expect(mailsTo(known)).toBe(1 + WARM_UP + TRIES_PER_SIDE);
  expect(gap).toBeLessThan(MAX_MEDIAN_GAP_MS);
});
