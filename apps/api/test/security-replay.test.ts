import { beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq, isNotNull, isNull, like } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import {
  backupCodes,
  emailCodes,
  mfaFactors,
  securityEvents,
  sessions,
  spendSecondFactor,
  members,
} from '@twofold/db';
import { timeStepAt } from '@twofold/mfa-core';
import { Client, signUp, useTestApp } from './helpers/app.js';
import { nextStep } from './helpers/mfa.js';
import {
  challengeFor,
  emailFactorUser,
  mailedCode,
  mailsWithSubject,
  passwordStep,
  range,
  send,
  STEP_MS,
  tally,
  totpAt,
  totpUser,
} from './helpers/security.js';
import { contextOf } from '@twofold/fastify/internal';

/**
 * Security rules: a TOTP time step is accepted once per factor; single-use codes are consumed
 * atomically (N concurrent submissions, one success); a code made for one purpose or one user
 * is refused for any other.
 */

const ctx = useTestApp();
beforeAll(async () => {
  // The first account of a fresh database is an admin: the accounts under test come after it.
  await signUp(ctx.app, ctx.db);
});

const CONCURRENCY = 20;
/** How a code that is not the live one for this user, purpose and attempt is refused. */
const REFUSED = ['INVALID_CODE', 'CODE_EXPIRED'];

const eventsOf = (userId: string, type: string) =>
  ctx.db.db
    .select()
    .from(securityEvents)
    .where(and(eq(securityEvents.userId, userId), eq(securityEvents.type, type)));

const sessionsOf = async (userId: string) =>
  (await ctx.db.db.select().from(sessions).where(eq(sessions.userId, userId))).length;

const verify = (cookie: string, method: string, code: string) =>
  send(ctx.app, { url: '/api/auth/mfa/verify', body: { method, code }, cookie });

/** No 5xx, and every answer is one of `allowed` (e.g. '200', '400 CODE_ALREADY_USED'). */
function expectOnly(responses: LightMyRequestResponse[], allowed: string[]) {
  const counts = tally(responses);
  for (const label of Object.keys(counts)) {
    expect(allowed, `unexpected answer ${label} in ${JSON.stringify(counts)}`).toContain(label);
  }
  expect(responses.filter((r) => r.statusCode >= 500)).toHaveLength(0);
  return counts;
}

describe('TOTP replay', () => {
  it('accepts a time step once: of 20 concurrent submissions through 20 challenges exactly one signs in; the replays are logged and mailed', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const step = Math.floor(Date.now() / STEP_MS);
    const challenges = await Promise.all(
      range(CONCURRENCY).map(() => challengeFor(ctx.app, account.email, account.password)),
    );
    expect(new Set(challenges).size).toBe(CONCURRENCY);
    const sessionsBefore = await sessionsOf(account.user.id);

    const code = totpAt(account.secret);
    const answers = await Promise.all(challenges.map((cookie) => verify(cookie, 'totp', code)));

    // The per-account throttle counts each attempt up-front: once five are in flight the rest
    // may be held back (429 MFA_LOCKED). That is fine; what matters is the single success.
    const counts = expectOnly(answers, ['200', '400 CODE_ALREADY_USED', '429 MFA_LOCKED']);
    expect(counts['200'], JSON.stringify(counts)).toBe(1);
    const replays = counts['400 CODE_ALREADY_USED'] ?? 0;
    // At least the first five reservations are evaluated: one success, four replays or more.
    expect(replays, JSON.stringify(counts)).toBeGreaterThanOrEqual(4);
    expect(await sessionsOf(account.user.id)).toBe(sessionsBefore + 1);

    const [factor] = await ctx.db.db
      .select()
      .from(mfaFactors)
      .where(eq(mfaFactors.id, account.factorId));
    expect(factor?.lastUsedStep).toBe(step);

    // Every refused replay is a security event and a notice to the owner.
    expect(await eventsOf(account.user.id, 'mfa.totp_replay')).toHaveLength(replays);
    const notices = await mailsWithSubject(
      ctx.db,
      account.email,
      'An authenticator code was used twice',
    );
    expect(notices).toHaveLength(replays);
  });

  it('refuses a code from the last accepted step or from an earlier step still inside the drift window, at sign-in and at step-up', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = nextStep();
    vi.setSystemTime(t);

    const signedIn = await verify(
      await challengeFor(ctx.app, account.email, account.password),
      'totp',
      totpAt(account.secret, t),
    );
    expect(signedIn.statusCode, signedIn.body).toBe(200);

    // The previous step is within the one-step drift: valid as a code, but below the last accepted step.
    const previous = totpAt(account.secret, t - STEP_MS);
    expect(previous).not.toBe(totpAt(account.secret, t));
    const older = await verify(
      await challengeFor(ctx.app, account.email, account.password),
      'totp',
      previous,
    );
    expect(older.statusCode).toBe(400);
    expect(older.json().code).toBe('CODE_ALREADY_USED');

    // The same step again, through the step-up header of a signed-in session.
    const session = account.client;
    const viaHeader = await session.post(
      '/api/mfa/backup-codes',
      {},
      { 'x-totp-code': totpAt(account.secret, t) },
    );
    expect(viaHeader.statusCode).toBe(400);
    expect(viaHeader.json().code).toBe('CODE_ALREADY_USED');

    // One step later the accepted code is still inside the drift window, and still refused.
    vi.setSystemTime(t + STEP_MS);
    const late = await verify(
      await challengeFor(ctx.app, account.email, account.password),
      'totp',
      totpAt(account.secret, t),
    );
    expect(late.statusCode).toBe(400);
    expect(late.json().code).toBe('CODE_ALREADY_USED');
    expect(await eventsOf(account.user.id, 'mfa.totp_replay')).toHaveLength(3);

    // The new step works, once.
    const fresh = await verify(
      await challengeFor(ctx.app, account.email, account.password),
      'totp',
      totpAt(account.secret, t + STEP_MS),
    );
    expect(fresh.statusCode, fresh.body).toBe(200);
  });
});

describe('single-use codes under concurrency', () => {
  it('one backup code submitted through 20 concurrent challenges signs in exactly once', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const code = account.backupCodes[0]!;
    const challenges = await Promise.all(
      range(CONCURRENCY).map(() => challengeFor(ctx.app, account.email, account.password)),
    );
    const sessionsBefore = await sessionsOf(account.user.id);

    const answers = await Promise.all(
      challenges.map((cookie) => verify(cookie, 'backup_code', code)),
    );

    const counts = expectOnly(answers, ['200', '400 INVALID_CODE', '429 MFA_LOCKED']);
    expect(counts['200'], JSON.stringify(counts)).toBe(1);
    expect(await sessionsOf(account.user.id)).toBe(sessionsBefore + 1);

    const rows = await ctx.db.db
      .select()
      .from(backupCodes)
      .where(eq(backupCodes.userId, account.user.id));
    expect(rows).toHaveLength(10);
    expect(rows.filter((row) => row.usedAt !== null)).toHaveLength(1);
    expect((await account.client.get('/api/mfa')).json().backupCodesRemaining).toBe(9);
    expect(await eventsOf(account.user.id, 'mfa.backup_code_used')).toHaveLength(1);
    const notices = await mailsWithSubject(ctx.db, account.email, 'A backup code was used');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toMatch(/9 unused codes remain/);
  });

  it('one emailed sign-in code posted 20 times at once through its challenge signs in exactly once', async () => {
    const account = await emailFactorUser(ctx.app, ctx.db);
    const cookie = await challengeFor(ctx.app, account.email, account.password);
    const { code } = await mailedCode(ctx.db, account.email, async () => {
      const sent = await send(ctx.app, { url: '/api/auth/mfa/email', body: {}, cookie });
      expect(sent.statusCode, sent.body).toBe(200);
    });
    const sessionsBefore = await sessionsOf(account.user.id);

    const answers = await Promise.all(range(CONCURRENCY).map(() => verify(cookie, 'email', code)));

    // Losers find the code spent (CODE_EXPIRED), the challenge spent (CHALLENGE_REQUIRED), or the
    // account throttled (MFA_LOCKED).
    const counts = expectOnly(answers, [
      '200',
      '400 CODE_EXPIRED',
      '401 CHALLENGE_REQUIRED',
      '429 MFA_LOCKED',
    ]);
    expect(counts['200'], JSON.stringify(counts)).toBe(1);
    expect(await sessionsOf(account.user.id)).toBe(sessionsBefore + 1);
    expect(await eventsOf(account.user.id, 'mfa.verified')).toHaveLength(1);

    const codes = await ctx.db.db
      .select()
      .from(emailCodes)
      .where(and(eq(emailCodes.userId, account.user.id), eq(emailCodes.purpose, 'login')));
    expect(codes).toHaveLength(1);
    expect(codes[0]?.usedAt).not.toBeNull();
    expect(codes[0]?.attempts).toBe(0);
  });

  it('one emailed step-up code posted 20 times at once through one session re-authenticates exactly once', async () => {
    // No challenge guards step-up: the atomic consumption of the code is all that stands here.
    const account = await emailFactorUser(ctx.app, ctx.db);
    const { code } = await mailedCode(ctx.db, account.email, async () => {
      const sent = await account.client.post('/api/auth/reauthenticate/email', {});
      expect(sent.statusCode, sent.body).toBe(200);
    });
    const cookie = [...account.client.cookies]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');

    const answers = await Promise.all(
      range(CONCURRENCY).map(() =>
        send(ctx.app, {
          url: '/api/auth/reauthenticate',
          body: { password: account.password, method: 'email', code },
          cookie,
        }),
      ),
    );

    const counts = expectOnly(answers, ['200', '400 CODE_EXPIRED', '429 MFA_LOCKED']);
    expect(counts['200'], JSON.stringify(counts)).toBe(1);
    expect(await eventsOf(account.user.id, 'step_up.succeeded')).toHaveLength(1);
    const [row] = await ctx.db.db
      .select()
      .from(emailCodes)
      .where(and(eq(emailCodes.userId, account.user.id), eq(emailCodes.purpose, 'step_up')));
    expect(row?.usedAt).not.toBeNull();
  });
});

/**
 * The same single statements, called 20 times at once without the HTTP layer and the throttle
 * in between: every call is in flight before the first answer, on PGlite as on PostgreSQL, so a
 * check-then-update would let several through.
 */
describe('single-use statements under concurrency, below the throttle', () => {
  it('a TOTP time step is claimed once of 20 concurrent claims', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const [factor] = await ctx.db.db
      .select()
      .from(mfaFactors)
      .where(eq(mfaFactors.id, account.factorId));
    const code = totpAt(account.secret);
    const outcomes = await Promise.all(
      range(CONCURRENCY).map(() => contextOf(ctx.app).secondFactor.claimTotp(factor!, code)),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'replay')).toHaveLength(CONCURRENCY - 1);
  });

  it('a backup code is spent once of 20 concurrent spending statements', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const codeHash = contextOf(ctx.app).backupCodes.hashOf(
      account.user.id,
      account.backupCodes[3]!,
    )!;
    const results = await Promise.all(
      range(CONCURRENCY).map(() =>
        spendSecondFactor(ctx.db.db, {
          userId: account.user.id,
          now: new Date(),
          ip: null,
          userAgent: null,
          claim: { kind: 'backup_code', codeHash },
        }),
      ),
    );
    expect(results.filter((r) => r.claimed).map((r) => r.remaining)).toEqual([9]);
    expect(await contextOf(ctx.app).backupCodes.remaining(account.user.id)).toBe(9);
  });

  it('a TOTP time step spent by 20 concurrent sign-in statements opens exactly one session', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const challenges = await Promise.all(
      range(CONCURRENCY).map(() =>
        contextOf(ctx.app).challenges.create(account.user.id, 'mfa', 60_000, {
          ip: '127.0.0.1',
          headers: {},
        } as never),
      ),
    );
    const now = new Date();
    const results = await Promise.all(
      challenges.map(({ challenge }, i) =>
        spendSecondFactor(ctx.db.db, {
          userId: account.user.id,
          now,
          ip: null,
          userAgent: null,
          claim: { kind: 'totp', factorId: account.factorId, step: timeStepAt(now.getTime()) + 1 },
          signIn: {
            challengeId: challenge.id,
            session: {
              tokenHash: `concurrent-${account.user.id}-${i}`,
              aal: 2,
              amr: ['pwd', 'otp'],
              scope: 'full',
              expiresAt: new Date(now.getTime() + 60_000),
            },
            previousTokenHash: null,
            events: [{ type: 'mfa.verified', metadata: { method: 'totp' } }],
          },
        }),
      ),
    );
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect(results.filter((r) => r.sessionId !== null)).toHaveLength(1);
    const opened = await ctx.db.db
      .select()
      .from(sessions)
      .where(like(sessions.tokenHash, `concurrent-${account.user.id}-%`));
    expect(opened).toHaveLength(1);
    expect(await eventsOf(account.user.id, 'mfa.verified')).toHaveLength(1);
  });

  it('an emailed code is accepted once of 20 concurrent checks', async () => {
    const account = await emailFactorUser(ctx.app, ctx.db);
    const { code } = await mailedCode(ctx.db, account.email, () =>
      account.client.post('/api/auth/reauthenticate/email', {}),
    );
    const results = await Promise.allSettled(
      range(CONCURRENCY).map(() =>
        contextOf(ctx.app).emailCodes.check({ userId: account.user.id, purpose: 'step_up', code }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect((result.reason as { code?: string }).code).toBe('CODE_EXPIRED');
      }
    }
  });
});

describe('codes are bound to their purpose and their user', () => {
  it('a registration code is refused as a sign-in email code and as a password reset code', async () => {
    const account = await emailFactorUser(ctx.app, ctx.db);
    // An address not yet verified gets a registration code when it signs in with its password.
    await ctx.db.db
      .update(members)
      .set({ emailVerifiedAt: null })
      .where(eq(members.id, account.user.id));
    const { code: registrationCode } = await mailedCode(ctx.db, account.email, async () => {
      const { body } = await passwordStep(ctx.app, account.email, account.password);
      expect(body.status).toBe('verification_required');
    });
    await ctx.db.db
      .update(members)
      .set({ emailVerifiedAt: new Date() })
      .where(eq(members.id, account.user.id));
    const live = await ctx.db.db
      .select()
      .from(emailCodes)
      .where(
        and(
          eq(emailCodes.userId, account.user.id),
          eq(emailCodes.purpose, 'registration'),
          isNull(emailCodes.usedAt),
        ),
      );
    expect(live, 'the registration code is still live').toHaveLength(1);

    const cookie = await challengeFor(ctx.app, account.email, account.password);
    const { code: loginCode } = await mailedCode(ctx.db, account.email, () =>
      send(ctx.app, { url: '/api/auth/mfa/email', body: {}, cookie }),
    );
    expect(loginCode).not.toBe(registrationCode);
    const asLogin = await verify(cookie, 'email', registrationCode);
    expect(asLogin.statusCode).toBe(400);
    expect(REFUSED).toContain(asLogin.json().code);

    const { code: resetCode } = await mailedCode(ctx.db, account.email, () =>
      new Client(ctx.app).post('/api/auth/password/forgot', { email: account.email }),
    );
    expect(resetCode).not.toBe(registrationCode);
    const asReset = await new Client(ctx.app).post('/api/auth/password/reset', {
      email: account.email,
      code: registrationCode,
      password: 'another long passphrase',
    });
    expect(asReset.statusCode).toBe(400);
    expect(asReset.json().code).toBe('INVALID_CODE');

    // Each code still works where it belongs.
    expect((await verify(cookie, 'email', loginCode)).statusCode).toBe(200);
    const reset = await new Client(ctx.app).post('/api/auth/password/reset', {
      email: account.email,
      code: resetCode,
      password: 'another long passphrase',
    });
    expect(reset.statusCode, reset.body).toBe(200);
  });

  it('a step-up code is refused as a password reset code, and a reset code as a step-up code', async () => {
    // Neither purpose is tied to a sign-in attempt, so only the purpose tells the two apart. Each
    // code is tried while it is the account's only live one, so nothing else can refuse it.
    const account = await emailFactorUser(ctx.app, ctx.db);
    const newPassword = 'another long passphrase';
    const reset = (code: string) =>
      new Client(ctx.app).post('/api/auth/password/reset', {
        email: account.email,
        code,
        password: newPassword,
      });
    const reauthenticate = (code: string) =>
      account.client.post('/api/auth/reauthenticate', {
        password: account.password,
        method: 'email',
        code,
      });

    const { code: stepUpCode } = await mailedCode(ctx.db, account.email, () =>
      account.client.post('/api/auth/reauthenticate/email', {}),
    );
    const stepUpAsReset = await reset(stepUpCode);
    expect(stepUpAsReset.statusCode, stepUpAsReset.body).toBe(400);
    expect(stepUpAsReset.json().code).toBe('INVALID_CODE');
    const steppedUp = await reauthenticate(stepUpCode);
    expect(steppedUp.statusCode, steppedUp.body).toBe(200);

    const { code: resetCode } = await mailedCode(ctx.db, account.email, () =>
      new Client(ctx.app).post('/api/auth/password/forgot', { email: account.email }),
    );
    const resetAsStepUp = await reauthenticate(resetCode);
    expect(resetAsStepUp.statusCode, resetAsStepUp.body).toBe(400);
    expect(REFUSED).toContain(resetAsStepUp.json().code);
    const done = await reset(resetCode);
    expect(done.statusCode, done.body).toBe(200);
  });

  it("a sign-in email code of one user is refused for another user's challenge", async () => {
    const alice = await emailFactorUser(ctx.app, ctx.db);
    const bob = await emailFactorUser(ctx.app, ctx.db);
    const aliceChallenge = await challengeFor(ctx.app, alice.email, alice.password);
    const bobChallenge = await challengeFor(ctx.app, bob.email, bob.password);
    const { code: aliceCode } = await mailedCode(ctx.db, alice.email, () =>
      send(ctx.app, { url: '/api/auth/mfa/email', body: {}, cookie: aliceChallenge }),
    );
    const { code: bobCode } = await mailedCode(ctx.db, bob.email, () =>
      send(ctx.app, { url: '/api/auth/mfa/email', body: {}, cookie: bobChallenge }),
    );
    expect(bobCode).not.toBe(aliceCode);

    const crossed = await verify(bobChallenge, 'email', aliceCode);
    expect(crossed.statusCode).toBe(400);
    expect(REFUSED).toContain(crossed.json().code);

    const bobIn = await verify(bobChallenge, 'email', bobCode);
    expect(bobIn.statusCode, bobIn.body).toBe(200);
    expect(bobIn.json().user.id).toBe(bob.user.id);
    const aliceIn = await verify(aliceChallenge, 'email', aliceCode);
    expect(aliceIn.statusCode, aliceIn.body).toBe(200);
    expect(aliceIn.json().user.id).toBe(alice.user.id);
  });

  it('a step-up email code is refused at the second step of sign-in, and a sign-in code is refused for step-up', async () => {
    const account = await emailFactorUser(ctx.app, ctx.db);
    const session = account.client;
    const { code: stepUpCode } = await mailedCode(ctx.db, account.email, () =>
      session.post('/api/auth/reauthenticate/email', {}),
    );
    const cookie = await challengeFor(ctx.app, account.email, account.password);
    const { code: loginCode } = await mailedCode(ctx.db, account.email, () =>
      send(ctx.app, { url: '/api/auth/mfa/email', body: {}, cookie }),
    );
    expect(loginCode).not.toBe(stepUpCode);

    const stepUpAtLogin = await verify(cookie, 'email', stepUpCode);
    expect(stepUpAtLogin.statusCode).toBe(400);
    expect(REFUSED).toContain(stepUpAtLogin.json().code);

    const loginAtStepUp = await session.post('/api/auth/reauthenticate', {
      password: account.password,
      method: 'email',
      code: loginCode,
    });
    expect(loginAtStepUp.statusCode).toBe(400);
    expect(REFUSED).toContain(loginAtStepUp.json().code);
    expect((await session.get('/api/auth/session')).json().session.reauthenticatedAt).toBeNull();

    // Each where it belongs.
    expect((await verify(cookie, 'email', loginCode)).statusCode).toBe(200);
    const stepUp = await session.post('/api/auth/reauthenticate', {
      password: account.password,
      method: 'email',
      code: stepUpCode,
    });
    expect(stepUp.statusCode, stepUp.body).toBe(200);
  });

  it('a backup code of one user is refused for another user', async () => {
    const alice = await totpUser(ctx.app, ctx.db);
    const bob = await totpUser(ctx.app, ctx.db);
    const crossed = await verify(
      await challengeFor(ctx.app, bob.email, bob.password),
      'backup_code',
      alice.backupCodes[0]!,
    );
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json().code).toBe('INVALID_CODE');

    const used = await ctx.db.db
      .select()
      .from(backupCodes)
      .where(and(eq(backupCodes.userId, alice.user.id), isNotNull(backupCodes.usedAt)));
    expect(used).toHaveLength(0);
    const aliceIn = await verify(
      await challengeFor(ctx.app, alice.email, alice.password),
      'backup_code',
      alice.backupCodes[0]!,
    );
    expect(aliceIn.statusCode, aliceIn.body).toBe(200);
  });
});
