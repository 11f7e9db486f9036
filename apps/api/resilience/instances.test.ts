import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { sharedSecrets, spawnApi, type ApiProcess } from './harness/api-process.js';
import {
  enrollTotp,
  openSql,
  passwordStep,
  signUp,
  totpCode,
  uniqueEmail,
  type Sql,
} from './harness/flows.js';
import { HttpClient, type HttpAnswer } from './harness/http-client.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';
import { startRedis, type RedisServer } from './harness/redis-server.js';

// Two API processes behind an imaginary load balancer: one PostgreSQL, one Redis, the same
// secrets. Every check acts on A and immediately asks B (or the other way round): no waiting,
// no retries, so state kept in one process's memory would show up as a failure here.

/** Low enough to reach quickly, high enough that the other scenarios stay under it. */
const AUTH_MAX = 30;
/** Only the rate-limit scenario calls this route, so its counter starts at zero. */
const LIMITED_ROUTE = '/api/auth/password/forgot';
const NAMESPACE = 'twofold-rate-limit:';

let pg: PostgresServer;
let redis: RedisServer;
let a: ApiProcess;
let b: ApiProcess;
let sql: Sql;
const checked: string[] = [];

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const secrets = sharedSecrets();
  const env = { REDIS_URL: redis.url, RATE_LIMIT_AUTH_MAX: String(AUTH_MAX) };
  // Started together: migrations take turns on an advisory lock.
  [a, b] = await Promise.all([
    spawnApi({ databaseUrl: pg.url, secrets, env }),
    spawnApi({ databaseUrl: pg.url, secrets, env }),
  ]);
  sql = openSql(pg.url);
});

afterAll(async () => {
  // The suite's one line of output, read by whoever runs it.
  // eslint-disable-next-line no-console
  console.log(`[resilience] two API instances, one PostgreSQL, one Redis: ${checked.join('; ')}`);
  await sql?.end();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
  await pg?.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

/** A six-digit code that no step of the drift window accepts. */
function wrongCode(secret: string): string {
  const valid = [-1, 0, 1, 2].map((offset) => totpCode(secret, offset));
  return ['000000', '111111', '222222', '333333', '444444'].find((c) => !valid.includes(c))!;
}

function expectError(answer: HttpAnswer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json?.code, answer.text).toBe(code);
}

/** A user with TOTP enrolled (signed up through `on`) and a challenge open on a fresh browser. */
async function mfaUser(on: ApiProcess) {
  const user = await signUp(on.url, sql, uniqueEmail('instances'));
  const totp = await enrollTotp(user.client);
  return { ...user, ...totp };
}

/**
 * Wrong codes on `from` until the per-account throttle refuses with a window of at least 4 s,
 * so the correct code sent to `to` right after lands inside it even on a loaded machine.
 * Returns every status seen.
 */
async function lockOutAcross(from: ApiProcess, to: ApiProcess) {
  const user = await mfaUser(from);
  const { client } = await passwordStep(from.url, user.email);
  const statuses: number[] = [];
  let locked: HttpAnswer | undefined;
  for (let attempt = 0; attempt < 20 && !locked; attempt += 1) {
    const answer = await client.post('/api/auth/mfa/verify', {
      method: 'totp',
      code: wrongCode(user.secret),
    });
    statuses.push(answer.status);
    if (answer.json?.code === 'MFA_LOCKED') {
      if (answer.json.retryAfter >= 4) locked = answer;
      else await sleep(answer.json.retryAfter * 1000); // backoff doubles: 1 s, 2 s, 4 s
    } else {
      expectError(answer, 400, 'INVALID_CODE');
    }
  }
  expect(locked, 'A never locked the account').toBeDefined();

  // The same browser, now routed to the other instance, with the right code.
  const onOther = await client.on(to.url).post('/api/auth/mfa/verify', {
    method: 'totp',
    code: totpCode(user.secret, 1),
  });
  statuses.push(onOther.status);
  expectError(onOther, 429, 'MFA_LOCKED');
  expect(onOther.json.retryAfter).toBeGreaterThan(0);
  const [row] = await sql<{ attempts: number }[]>`
    select mfa_failed_attempts as attempts from members where id = ${user.userId}`;
  expect(row!.attempts).toBeGreaterThanOrEqual(7);
  return { statuses, attempts: row!.attempts, retryAfter: onOther.json.retryAfter as number };
}

it('shares the per-IP rate limit through Redis', async () => {
  const forgot = (on: ApiProcess) =>
    new HttpClient(on.url).post(LIMITED_ROUTE, { email: uniqueEmail('nobody') });
  const onA = Math.ceil(AUTH_MAX * 0.6);
  for (let i = 0; i < onA; i += 1) expect((await forgot(a)).status).toBe(200);
  for (let i = onA; i < AUTH_MAX; i += 1) expect((await forgot(b)).status).toBe(200);
  // Either instance alone has seen fewer than AUTH_MAX requests; together they are at it.
  expectError(await forgot(a), 429, 'RATE_LIMITED');
  const overB = await forgot(b);
  expectError(overB, 429, 'RATE_LIMITED');
  expect(Number(overB.headers.get('retry-after'))).toBeGreaterThan(0);

  const probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    const keys = await probe.keys(`${NAMESPACE}*`);
    const key = keys.find((k) => k.includes(`POST${LIMITED_ROUTE}-`));
    expect(key, keys.join(', ')).toBeDefined();
    expect(Number(await probe.get(key!))).toBe(AUTH_MAX + 2);
    expect(await probe.pttl(key!)).toBeGreaterThan(0);
  } finally {
    probe.disconnect();
  }
  checked.push(`rate limit ${onA} on A + ${AUTH_MAX - onA} on B, then 429 on both (Redis key)`);
});

it('locks the account on B after failures on A', async () => {
  const { attempts, retryAfter } = await lockOutAcross(a, b);
  checked.push(
    `lockout after ${attempts} failures on A refuses a correct code on B (${retryAfter}s)`,
  );
});

it('ends on B a session revoked on A', async () => {
  const user = await signUp(a.url, sql, uniqueEmail('instances'));
  // A copy of the cookie: the logout below clears it from the original browser.
  const copy = new HttpClient(b.url, new Map(user.client.cookies));
  expect((await copy.get('/api/auth/session')).status).toBe(200);
  expect((await user.client.post('/api/auth/logout', {})).status).toBe(200);
  expectError(await copy.get('/api/auth/session'), 401, 'UNAUTHENTICATED');
  expectError(await copy.get('/api/sessions'), 401, 'UNAUTHENTICATED');
  checked.push('logout on A -> 401 on B');
});

it('refuses on B a backup code used on A', async () => {
  const user = await mfaUser(b);
  const [first, second] = user.backupCodes;
  const onA = await passwordStep(a.url, user.email);
  const used = await onA.client.post('/api/auth/mfa/verify', {
    method: 'backup_code',
    code: first,
  });
  expect(used.status, used.text).toBe(200);

  const onB = await passwordStep(b.url, user.email);
  expect(onB.status).toBe('mfa_required');
  const again = await onB.client.post('/api/auth/mfa/verify', {
    method: 'backup_code',
    code: first,
  });
  expectError(again, 400, 'INVALID_CODE');
  // B does accept a code nobody used: the refusal above is about the used one.
  const fresh = await onB.client.post('/api/auth/mfa/verify', {
    method: 'backup_code',
    code: second,
  });
  expect(fresh.status, fresh.text).toBe(200);
  checked.push('backup code used on A refused on B');
});

it('refuses on B a TOTP code accepted on A (replay)', async () => {
  const user = await mfaUser(a);
  const code = totpCode(user.secret, 1);
  const onA = await passwordStep(a.url, user.email);
  const accepted = await onA.client.post('/api/auth/mfa/verify', { method: 'totp', code });
  expect(accepted.status, accepted.text).toBe(200);

  const onB = await passwordStep(b.url, user.email);
  const replayed = await onB.client.post('/api/auth/mfa/verify', { method: 'totp', code });
  expectError(replayed, 400, 'CODE_ALREADY_USED');
  checked.push('TOTP step accepted on A is a replay on B');
});

it('keeps signing in when Redis stops; the per-account throttle still holds', async () => {
  await redis.stop();
  const statuses: number[] = [];
  const record = (answer: HttpAnswer) => (statuses.push(answer.status), answer);

  // The route that was over its limit answers again: per-IP limits are skipped, not failed,
  // and at once (no waiting on the Redis command timeout for every request).
  const took: number[] = [];
  for (const on of [a, b, a, b, a, b, a]) {
    const started = performance.now();
    const answer = record(
      await new HttpClient(on.url).post(LIMITED_ROUTE, { email: uniqueEmail('nobody') }),
    );
    took.push(performance.now() - started);
    expect(answer.status, answer.text).toBe(200);
  }
  expect(median(took), took.join(', ')).toBeLessThan(400);

  // Sign-up on A, sign-in finished on B.
  const user = await mfaUser(a);
  const { client, status } = await passwordStep(b.url, user.email);
  expect(status).toBe('mfa_required');
  const signedIn = record(
    await client.post('/api/auth/mfa/verify', { method: 'totp', code: totpCode(user.secret, 1) }),
  );
  expect(signedIn.status, signedIn.text).toBe(200);
  expect(record(await client.on(a.url).get('/api/auth/session')).status).toBe(200);

  const lockout = await lockOutAcross(b, a);
  statuses.push(...lockout.statuses);
  expect(statuses.filter((s) => s >= 500)).toEqual([]);

  for (const api of [a, b]) {
    expect(api.output()).toContain('rate-limit store (Redis) unavailable');
  }
  checked.push(
    `Redis stopped: ${statuses.length} auth requests without a 5xx (limit skipped in ` +
      `${Math.round(median(took))} ms median), sign-in across instances, ` +
      `lockout on B holds on A (${lockout.attempts} failures in PostgreSQL)`,
  );
});
