import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTotp } from '@twofold/mfa-core';
import { sharedSecrets, spawnApi, type ApiProcess } from './harness/api-process.js';
import { enrollTotp, openSql, PASSWORD, signUp, type Sql } from './harness/flows.js';
import { HttpClient, type HttpAnswer } from './harness/http-client.js';
import { mapLimit, report } from './harness/metrics.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';

/**
 * An attacker who knows the password guesses TOTP codes: 10,000 wrong guesses with real
 * concurrency, over many sign-in challenges, each request from a different spoofed
 * X-Forwarded-For. The per-account throttle (PostgreSQL, atomic across challenges and IPs) must
 * evaluate at most 100 of them; the per-IP limit must key on the socket, not on the header.
 */
const GUESSES = 10_000;
const CONCURRENCY = 40;
const PER_CHALLENGE = 50;

let pg: PostgresServer;
let sql: Sql;
const secrets = sharedSecrets();
const started: ApiProcess[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  sql = openSql(pg.url);
});
afterAll(async () => {
  await sql?.end();
  for (const api of started) await api.stop();
  await pg?.destroy();
});

async function api(env: Record<string, string>) {
  const child = await spawnApi({ databaseUrl: pg.url, secrets, env });
  started.push(child);
  return child;
}

const randomIp = () =>
  Array.from({ length: 4 }, () => 1 + Math.floor(Math.random() * 254)).join('.');

/** A six-digit code that is not valid for any step near now (a lucky hit would reset the count). */
function wrongCode(secret: string): string {
  const valid = [-2, -1, 0, 1, 2].map((k) =>
    generateTotp({ secret, now: Date.now() + k * 30_000 }),
  );
  for (;;) {
    const code = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
    if (!valid.includes(code)) return code;
  }
}

interface Tally {
  sent: number;
  challenges: number;
  /** INVALID_CODE: the code was checked (and counted as a failure). */
  evaluated: number;
  /** MFA_LOCKED with retryAfter: refused unchecked, inside a backoff window. */
  throttled: number;
  /** MFA_LOCKED without retryAfter: refused unchecked, 100 failures reached. */
  locked: number;
  /** RATE_LIMITED: the per-IP limit refused the request. */
  rateLimited: number;
  unexpected: string[];
}
const newTally = (): Tally => ({
  sent: 0,
  challenges: 0,
  evaluated: 0,
  throttled: 0,
  locked: 0,
  rateLimited: 0,
  unexpected: [],
});

function classify(answer: HttpAnswer, tally: Tally) {
  const code = answer.json?.code;
  if (answer.status === 400 && code === 'INVALID_CODE') tally.evaluated += 1;
  else if (answer.status === 429 && code === 'MFA_LOCKED') {
    if (typeof answer.json.retryAfter === 'number') tally.throttled += 1;
    else tally.locked += 1;
  } else if (answer.status === 429 && code === 'RATE_LIMITED') tally.rateLimited += 1;
  else tally.unexpected.push(`${answer.status} ${answer.text.slice(0, 200)}`);
}

/** A fresh browser (from a fresh spoofed IP) that passed the password step. */
async function challenge(url: string, email: string) {
  const client = new HttpClient(url);
  const login = await client.post(
    '/api/auth/login',
    { email, password: PASSWORD },
    { 'x-forwarded-for': randomIp() },
  );
  expect(login.json?.status, login.text).toBe('mfa_required');
  return client;
}

const verify = (client: HttpClient, code: string) =>
  client.post('/api/auth/mfa/verify', { method: 'totp', code }, { 'x-forwarded-for': randomIp() });

/** `total` wrong guesses from CONCURRENCY attackers, a new challenge every PER_CHALLENGE. */
async function attack(url: string, email: string, secret: string, total: number, tally: Tally) {
  let remaining = total;
  const attacker = async () => {
    while (remaining > 0) {
      const client = await challenge(url, email);
      tally.challenges += 1;
      for (let i = 0; i < PER_CHALLENGE && remaining > 0; i += 1) {
        remaining -= 1;
        tally.sent += 1;
        classify(await verify(client, wrongCode(secret)), tally);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, attacker));
}

async function victimState(userId: string) {
  const [row] = await sql<{ attempts: number; lockedUntil: Date | null; failed: number }[]>`
    select mfa_failed_attempts as attempts, mfa_locked_until as "lockedUntil",
      (select count(*)::int from security_events
        where user_id = ${userId} and type = 'mfa.failed') as failed
    from members where id = ${userId}`;
  return row!;
}

const summary = (name: string, t: Tally) =>
  report(
    `brute-force ${name}: guesses sent=${t.sent} challenges=${t.challenges} ` +
      `evaluated=${t.evaluated} throttled=${t.throttled} locked=${t.locked} rate-limited=${t.rateLimited}`,
  );

describe('per-account throttle with unlimited IPs', () => {
  it(`evaluates at most 100 of ${GUESSES} concurrent wrong TOTP guesses`, async () => {
    // Worst case: a per-IP limit that never bites, and spoofed addresses the API believes.
    const server = await api({ RATE_LIMIT_AUTH_MAX: '1000000', TRUST_PROXY: 'true' });
    const victim = await signUp(server.url, sql);
    const { secret } = await enrollTotp(victim.client);
    const tally = newTally();

    // 1. Real time: backoff from the 5th failure keeps evaluations to a handful.
    await attack(server.url, victim.email, secret, GUESSES / 2, tally);
    expect(tally.unexpected).toEqual([]);
    expect(tally.throttled).toBeGreaterThan(0);
    let state = await victimState(victim.userId);
    expect(state.attempts).toBe(tally.evaluated);
    expect(state.failed).toBe(tally.evaluated);
    expect(tally.evaluated).toBeGreaterThanOrEqual(5);
    expect(tally.evaluated).toBeLessThanOrEqual(100);
    summary('unlimited IPs, real time', tally);

    // A correct code is refused unchecked while a backoff window is open. If the last window
    // is about to close, one more wrong guess opens a twice longer one.
    if (state.lockedUntil!.getTime() - Date.now() < 3_000) {
      await new Promise((r) =>
        setTimeout(r, Math.max(0, state.lockedUntil!.getTime() - Date.now()) + 100),
      );
      const extra = await verify(await challenge(server.url, victim.email), wrongCode(secret));
      tally.sent += 1;
      classify(extra, tally);
      expect(extra.json?.code).toBe('INVALID_CODE');
    }
    const owner = await challenge(server.url, victim.email);
    const refused = await verify(owner, generateTotp({ secret, now: Date.now() + 30_000 }));
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ code: 'MFA_LOCKED', retryAfter: expect.any(Number) });
    expect(refused.json.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('retry-after')).toBe(String(refused.json.retryAfter));

    // 2. Fast-forward: the test ends each backoff window as soon as it opens, as if the attacker
    // waited every one out. Only the hard limit is left, and concurrency must not break it.
    let expiring = true;
    const expire = (async () => {
      while (expiring) {
        await sql`update members set mfa_locked_until = null
          where id = ${victim.userId} and mfa_locked_until is not null`;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await attack(server.url, victim.email, secret, GUESSES / 2, tally);
      // How many guesses slip through between two expiries depends on how fast the machine
      // answers them: keep guessing until the hard limit answers (at most 4 more rounds).
      for (let round = 0; tally.locked === 0 && round < 4; round += 1) {
        await attack(server.url, victim.email, secret, GUESSES / 2, tally);
      }
    } finally {
      expiring = false;
      await expire;
    }
    summary('unlimited IPs, total with fast-forward', tally);
    expect(tally.unexpected).toEqual([]);
    expect(tally.sent).toBeGreaterThanOrEqual(GUESSES);
    state = await victimState(victim.userId);
    expect(tally.evaluated).toBe(100);
    expect(state.attempts).toBe(100);
    expect(state.failed).toBe(100);
    expect(tally.locked).toBeGreaterThan(0);

    // Locked for good: no backoff window left, and still a correct code is not even checked.
    await sql`update members set mfa_locked_until = null where id = ${victim.userId}`;
    const [{ step: before }] = await sql<[{ step: string | null }]>`
      select last_used_step as step from mfa_factors where user_id = ${victim.userId}`;
    const last = await verify(
      await challenge(server.url, victim.email),
      generateTotp({ secret, now: Date.now() + 30_000 }),
    );
    expect(last.status).toBe(429);
    expect(last.json?.code).toBe('MFA_LOCKED');
    const [{ step: after }] = await sql<[{ step: string | null }]>`
      select last_used_step as step from mfa_factors where user_id = ${victim.userId}`;
    expect(after).toEqual(before);
    expect((await victimState(victim.userId)).attempts).toBe(100);
  });
});

describe('per-IP limit with the default settings', () => {
  it('keys on the socket address: spoofed X-Forwarded-For values do not reset it', async () => {
    // Created through an unlimited instance so the sign-up does not spend the limit under test.
    const open = started[0] ?? (await api({ RATE_LIMIT_AUTH_MAX: '1000000' }));
    const victim = await signUp(open.url, sql);
    const { secret } = await enrollTotp(victim.client);
    // Default limit (20 per minute per IP and route), proxy headers not trusted.
    const server = await api({ RATE_LIMIT_AUTH_MAX: '', TRUST_PROXY: 'false' });
    const client = await challenge(server.url, victim.email);

    const tally = { ...newTally(), challenges: 1 };
    const answers = await mapLimit(Array.from({ length: 60 }), 10, async () => {
      tally.sent += 1;
      const answer = await verify(client, wrongCode(secret));
      classify(answer, tally);
      return answer;
    });
    summary('default per-IP limit', tally);
    expect(tally.unexpected).toEqual([]);
    expect(tally.evaluated + tally.throttled + tally.locked).toBe(20);
    expect(tally.rateLimited).toBe(40);
    const limited = answers.find((a) => a.json?.code === 'RATE_LIMITED')!;
    expect(limited.json.retryAfter).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // What the throttle evaluated is what the database counted.
    expect((await victimState(victim.userId)).attempts).toBe(tally.evaluated);
  });
});
