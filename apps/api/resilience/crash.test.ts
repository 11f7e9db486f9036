import { report } from './harness/metrics.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sharedSecrets, spawnApi, type ApiProcess } from './harness/api-process.js';
import { holdTableLock, timed, waitForLockWaiters } from './harness/faults.js';
import {
  enrollTotp,
  openSql,
  PASSWORD,
  passwordStep,
  signUp,
  totpCode,
  type Sql,
} from './harness/flows.js';
import type { HttpClient } from './harness/http-client.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';

/**
 * The API is killed (SIGKILL) in the middle of a flow that writes several rows: TOTP
 * confirmation, backup-code regeneration, password reset. After a restart the account is as it
 * was before the request, never between; then the same flow completes normally.
 *
 * "In the middle" is made deterministic with a table lock held by the test on a table the flow
 * writes late: the API's backend waits on it, the process is killed, the lock released.
 */

let pg: PostgresServer;
let dbUrl: string;
let api: ApiProcess;
let sql: Sql;
const secrets = sharedSecrets();

beforeAll(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase('crash');
  api = await spawnApi({ databaseUrl: dbUrl, secrets });
  sql = openSql(dbUrl);
});
afterAll(async () => {
  await sql?.end();
  await api?.stop();
  await pg?.destroy();
});

/** forgot-password mails after it answers: wait for the reset code to reach the outbox. */
async function resetCodeMailed(to: string): Promise<string> {
  for (let tries = 0; tries < 200; tries += 1) {
    const [row] = await sql<{ text: string }[]>`
      select text from dev_outbox where "to" = ${to} and subject like '%password reset%'
      order by created_at desc limit 1`;
    const code = row?.text.match(/\b(\d{6})\b/)?.[1];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no password reset code mailed to ${to}`);
}

/**
 * Sends the request, waits until the API's backend is blocked on `table`, SIGKILLs the API,
 * releases the lock and starts a new API process on the same database and secrets.
 */
async function crashDuring(table: string, lockMode: string, send: () => Promise<unknown>) {
  const lock = await holdTableLock(dbUrl, table, lockMode);
  try {
    const answer = send().then(
      (value) => ({ answered: true, value }),
      () => ({ answered: false, value: undefined }),
    );
    const blocked = await timed(() => waitForLockWaiters(sql));
    api.child.kill('SIGKILL');
    expect((await api.exited).signal).toBe('SIGKILL');
    // The client never got an answer: it cannot have seen the change.
    expect((await answer).answered).toBe(false);
    await lock.release();
    const restart = await timed(() => spawnApi({ databaseUrl: dbUrl, secrets }));
    api = restart.value;
    return { blockedMs: blocked.ms, restartMs: restart.ms };
  } finally {
    await lock.release();
  }
}

const onApi = (client: HttpClient) => client.on(api.url);

async function sessionRows(userId: string) {
  return sql<{ id: string; live: boolean; aal: number }[]>`
    select id, revoked_at is null as live, aal from sessions where user_id = ${userId} order by id`;
}
async function codeRows(userId: string) {
  return sql<{ codeHash: string; used: boolean }[]>`
    select code_hash as "codeHash", used_at is not null as used
    from backup_codes where user_id = ${userId} order by code_hash`;
}

it('TOTP confirmation: a kill leaves the factor pending with nothing else written', async () => {
  const user = await signUp(api.url, sql);
  const other = await passwordStep(api.url, user.email);
  expect(other.status).toBe('authenticated');
  const started = await user.client.post('/api/mfa/totp', {});
  expect(started.status).toBe(201);
  const secret = started.json.secret as string;
  const factorState = () =>
    sql`select id, status, last_used_step from mfa_factors where user_id = ${user.userId}`;
  const before = {
    factors: await factorState(),
    codes: await codeRows(user.userId),
    sessions: await sessionRows(user.userId),
  };

  // The flow's last writes are to sessions (other sessions end, this one is raised).
  // EXCLUSIVE, not ACCESS EXCLUSIVE: the request must still read its own session to get in.
  const figures = await crashDuring('sessions', 'EXCLUSIVE', () =>
    onApi(user.client).post('/api/mfa/totp/confirm', { code: totpCode(secret) }),
  );
  const crashed = {
    factors: await factorState(),
    codes: await codeRows(user.userId),
    sessions: await sessionRows(user.userId),
  };
  expect(crashed).toEqual(before);
  expect(before.factors[0]).toMatchObject({ status: 'pending' });
  expect(before.codes).toHaveLength(0);

  // After: the same code, never claimed, now completes the enrollment on the new process.
  const confirmed = await onApi(user.client).post('/api/mfa/totp/confirm', {
    code: totpCode(secret),
  });
  expect(confirmed.status, confirmed.text).toBe(200);
  expect(confirmed.json.backupCodes).toHaveLength(10);
  expect((await factorState())[0]).toMatchObject({ status: 'active' });
  expect((await codeRows(user.userId)).filter((c) => !c.used)).toHaveLength(10);
  const sessions = await sessionRows(user.userId);
  expect(sessions.filter((s) => s.live)).toEqual([expect.objectContaining({ aal: 2 }) as unknown]);
  expect((await onApi(other.client).get('/api/auth/session')).status).toBe(401);
  report(
    `crash in TOTP confirmation: blocked after ${figures.blockedMs} ms, restart ` +
      `${figures.restartMs} ms; after the kill factor pending, 0 backup codes, ` +
      `${before.sessions.filter((s) => s.live).length} sessions live as before; after the retry ` +
      `factor active, 10 codes, 1 live session (aal 2)`,
  );
});

it('backup-code regeneration: a kill leaves the old set whole', async () => {
  const user = await signUp(api.url, sql);
  const { backupCodes } = await enrollTotp(user.client);
  const stepUp = await user.client.post('/api/auth/reauthenticate', {
    password: PASSWORD,
    method: 'backup_code',
    code: backupCodes[0],
  });
  expect(stepUp.status, stepUp.text).toBe(200);
  const before = await codeRows(user.userId);
  expect(before.filter((c) => c.used)).toHaveLength(1);

  // The regeneration's only writes: delete the old set, insert the new one.
  const figures = await crashDuring('backup_codes', 'ACCESS EXCLUSIVE', () =>
    onApi(user.client).post('/api/mfa/backup-codes', {}),
  );
  expect(await codeRows(user.userId)).toEqual(before);

  const regenerated = await onApi(user.client).post('/api/mfa/backup-codes', {});
  expect(regenerated.status, regenerated.text).toBe(201);
  expect(regenerated.json.backupCodes).toHaveLength(10);
  const after = await codeRows(user.userId);
  expect(after).toHaveLength(10);
  expect(after.every((c) => !c.used)).toBe(true);
  const old = new Set(before.map((c) => c.codeHash));
  expect(after.some((c) => old.has(c.codeHash))).toBe(false);
  // An old code no longer signs in; a new one does.
  const login = await passwordStep(api.url, user.email);
  const refused = await login.client.post('/api/auth/mfa/verify', {
    method: 'backup_code',
    code: backupCodes[1],
  });
  expect(refused.json?.code, refused.text).toBe('INVALID_CODE');
  const accepted = await login.client.post('/api/auth/mfa/verify', {
    method: 'backup_code',
    code: regenerated.json.backupCodes[0],
  });
  expect(accepted.status, accepted.text).toBe(200);
  report(
    `crash in backup-code regeneration: blocked after ${figures.blockedMs} ms, ` +
      `restart ${figures.restartMs} ms; after the kill the old set of 10 (1 used) unchanged; ` +
      `after the retry 10 new unused codes, none of the old`,
  );
});

it('password reset: a kill leaves the old password and every session', async () => {
  const user = await signUp(api.url, sql);
  const other = await passwordStep(api.url, user.email);
  expect(other.status).toBe('authenticated');
  const forgot = () =>
    user.client.on(api.url).post('/api/auth/password/forgot', { email: user.email });
  expect((await forgot()).status).toBe(200);
  const userRow = async () =>
    (
      await sql`select password_hash, password_changed_at from accounts where user_id = ${user.userId}`
    )[0];
  const before = { user: await userRow(), sessions: await sessionRows(user.userId) };
  const newPassword = 'a brand new passphrase 42';

  // The reset transaction writes the account, sessions, trusted devices, then challenges last.
  const code = await resetCodeMailed(user.email);
  const figures = await crashDuring('login_challenges', 'ACCESS EXCLUSIVE', () =>
    user.client
      .on(api.url)
      .post('/api/auth/password/reset', { email: user.email, code, password: newPassword }),
  );
  expect({ user: await userRow(), sessions: await sessionRows(user.userId) }).toEqual(before);
  expect((await passwordStep(api.url, user.email)).status).toBe('authenticated');
  expect((await onApi(other.client).get('/api/auth/session')).status).toBe(200);
  // The code is spent in the reset's own transaction: it rolled back with it, so the same code
  // still completes the reset after the restart.
  const [unspent] = await sql`select used_at from email_codes
    where user_id = ${user.userId} and purpose = 'password_reset'`;
  expect(unspent?.used_at).toBeNull();

  // After: the retry with the same code completes the reset.
  const reset = await user.client
    .on(api.url)
    .post('/api/auth/password/reset', { email: user.email, code, password: newPassword });
  expect(reset.status, reset.text).toBe(200);
  expect((await userRow())!.password_hash).not.toBe(before.user!.password_hash);
  expect((await sessionRows(user.userId)).filter((s) => s.live)).toHaveLength(0);
  const signIn = await user.client
    .on(api.url)
    .post('/api/auth/login', { email: user.email, password: newPassword });
  expect(signIn.json?.status).toBe('authenticated');
  report(
    `crash in password reset: blocked after ${figures.blockedMs} ms, restart ` +
      `${figures.restartMs} ms; after the kill old password hash and ` +
      `${before.sessions.filter((s) => s.live).length} live sessions unchanged (code unspent); ` +
      `after the retry new hash, 0 live sessions, new password signs in`,
  );
});
