import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnApi, type ApiProcess } from './harness/api-process.js';
import { timed } from './harness/faults.js';
import { report } from './harness/metrics.js';
import {
  enrollTotp,
  openSql,
  PASSWORD,
  stepUp,
  totpCode,
  uniqueEmail,
  type Sql,
} from './harness/flows.js';
import { HttpClient } from './harness/http-client.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';
import { SmtpSink, type SinkMode } from './harness/smtp-sink.js';

/**
 * The mail server goes away (connection refused) or refuses (421, 550) while the API keeps
 * running: mail-dependent steps answer 503 MAIL_UNAVAILABLE quickly and leave no usable code
 * behind, TOTP and backup codes still sign in, and everything works again once mail is back.
 */

/** nodemailer's connection and greeting timeouts are 5 s: a refusal must come well before. */
const MAX_MAIL_FAILURE_MS = 6_000;

let pg: PostgresServer;
let dbUrl: string;
let api: ApiProcess;
let sql: Sql;
const sink = new SmtpSink();

beforeAll(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase('smtp');
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

/** Registration with the code read from the sink, as the person would from the inbox. */
async function register(email = uniqueEmail('smtp')) {
  const client = new HttpClient(api.url);
  const registered = await client.post('/api/auth/register', { email, password: PASSWORD });
  expect(registered.status, registered.text).toBe(201);
  const verified = await client.post('/api/auth/register/verify', {
    code: sink.latestCode(email),
  });
  expect(verified.status, verified.text).toBe(200);
  return { client, email, userId: verified.json.user.id as string };
}

/** A person with TOTP (and its backup codes) plus email codes as a second factor. */
async function personWithEmailFactor() {
  const user = await register();
  const totp = await enrollTotp(user.client);
  // A second factor needs step-up; the last backup code (the test uses the first ones).
  await stepUp(user.client, { method: 'backup_code', code: totp.backupCodes.at(-1)! });
  expect((await user.client.post('/api/mfa/email', {})).status).toBe(201);
  const confirmed = await user.client.post('/api/mfa/email/confirm', {
    code: sink.latestCode(user.email),
  });
  expect(confirmed.status, confirmed.text).toBe(200);
  return { ...user, ...totp };
}

async function challenge(email: string) {
  const client = new HttpClient(api.url);
  const login = await client.post('/api/auth/login', { email, password: PASSWORD });
  expect(login.json).toMatchObject({ status: 'mfa_required' });
  expect(login.json.methods).toContain('email');
  return client;
}

const liveCodes = async (userId: string, purpose: string) =>
  (
    await sql<{ n: number }[]>`select count(*)::int as n from email_codes
      where user_id = ${userId} and purpose = ${purpose} and used_at is null`
  )[0]!.n;

type Fault = 'stopped' | Exclude<SinkMode, 'accept'>;
const faults: [Fault, string][] = [
  ['stopped', 'connection refused'],
  ['tempfail', '421 at MAIL FROM'],
  ['reject', '550 at RCPT TO'],
];

describe.each(faults)('SMTP %s (%s)', (fault) => {
  it('answers 503 MAIL_UNAVAILABLE, keeps other factors working, recovers', async () => {
    const person = await personWithEmailFactor();
    if (fault === 'stopped') await sink.stop();
    else sink.mode = fault;

    // The emailed sign-in code: a quick 503 with a stable code, and no code left to guess.
    const client = await challenge(person.email);
    const send = await timed(() => client.post('/api/auth/mfa/email', {}));
    expect(send.value.status, send.value.text).toBe(503);
    expect(send.value.json).toMatchObject({
      code: 'MAIL_UNAVAILABLE',
      message: expect.any(String),
    });
    expect(send.ms).toBeLessThan(MAX_MAIL_FAILURE_MS);
    expect(await liveCodes(person.userId, 'login')).toBe(0);
    const guess = await client.post('/api/auth/mfa/verify', { method: 'email', code: '123456' });
    expect(guess.json?.code, guess.text).toBe('CODE_EXPIRED');

    // The other factors do not need mail: a backup code finishes this very sign-in.
    const backup = await timed(() =>
      client.post('/api/auth/mfa/verify', { method: 'backup_code', code: person.backupCodes[0] }),
    );
    expect(backup.value.status, backup.value.text).toBe(200);
    expect((await client.get('/api/auth/session')).status).toBe(200);
    // And TOTP (the next time step: enrollment consumed the current one).
    const totpClient = await challenge(person.email);
    const totp = await totpClient.post('/api/auth/mfa/verify', {
      method: 'totp',
      code: totpCode(person.secret, 1),
    });
    expect(totp.status, totp.text).toBe(200);

    // Sign-up needs mail: a 503 with the same code, no cookie, no account left behind.
    const newcomer = uniqueEmail('smtp-newcomer');
    const signUpClient = new HttpClient(api.url);
    const refused = await timed(() =>
      signUpClient.post('/api/auth/register', { email: newcomer, password: PASSWORD }),
    );
    expect(refused.value.status, refused.value.text).toBe(503);
    expect(refused.value.json).toMatchObject({ code: 'MAIL_UNAVAILABLE' });
    expect(refused.ms).toBeLessThan(MAX_MAIL_FAILURE_MS);
    expect(signUpClient.cookies.size).toBe(0);
    expect(await sql`select 1 from members where email = ${newcomer}`).toHaveLength(0);

    // Mail is back: sending right away works (a failed send starts no resend cooldown), the
    // code signs in, and the refused sign-up completes by registering again.
    if (fault === 'stopped') await sink.start();
    else sink.mode = 'accept';
    const again = await challenge(person.email);
    const resent = await timed(() => again.post('/api/auth/mfa/email', {}));
    expect(resent.value.status, resent.value.text).toBe(200);
    const emailed = await again.post('/api/auth/mfa/verify', {
      method: 'email',
      code: sink.latestCode(person.email),
    });
    expect(emailed.status, emailed.text).toBe(200);
    const completed = await register(newcomer);
    expect((await completed.client.get('/api/auth/session')).json.user.email).toBe(newcomer);

    report(
      `smtp ${fault}: mfa/email 503 MAIL_UNAVAILABLE in ${send.ms} ms (0 live codes), ` +
        `register 503 MAIL_UNAVAILABLE in ${refused.ms} ms (no account, no cookie), backup-code ` +
        `sign-in ${backup.ms} ms and TOTP sign-in OK while down; after recovery send ` +
        `${resent.ms} ms, email-code sign-in and sign-up OK`,
    );
  });
});
