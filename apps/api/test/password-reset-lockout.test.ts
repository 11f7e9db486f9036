import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { mfaFactors, members } from '@twofold/db';
import { MAX_CONSECUTIVE_FAILURES } from '@twofold/mfa-core';
import { Client, openStepUpWindow, signUp, useTestApp } from './helpers/app.js';
import { mailedCode, totpUser } from './helpers/security.js';

/**
 * What a password reset clears and what it does not: it proves the mailbox, so it starts the
 * mailbox-code count again, and it ends pending enrollments with the old password; it never
 * touches the second-factor failure count (no number of resets may buy more guesses).
 */

const ctx = useTestApp();

async function reset(email: string, password: string) {
  const { code } = await mailedCode(ctx.db, email, () =>
    new Client(ctx.app).post('/api/auth/password/forgot', { email }),
  );
  const done = await new Client(ctx.app).post('/api/auth/password/reset', {
    email,
    code,
    password,
  });
  expect(done.statusCode, done.body).toBe(200);
}

async function countsOf(userId: string) {
  const [row] = await ctx.db.db
    .select({
      mfa: members.mfaFailedAttempts,
      mfaLockedUntil: members.mfaLockedUntil,
      code: members.codeFailedAttempts,
      codeLockedUntil: members.codeLockedUntil,
    })
    .from(members)
    .where(eq(members.id, userId));
  return row!;
}

describe('a password reset', () => {
  it('keeps the second-factor count and lock as they were, and clears the mailbox-code count', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const lockedUntil = new Date(Date.now() + 15 * 60_000);
    await ctx.db.db
      .update(members)
      .set({
        mfaFailedAttempts: MAX_CONSECUTIVE_FAILURES,
        mfaLockedUntil: lockedUntil,
        codeFailedAttempts: 12,
        codeLockedUntil: lockedUntil,
      })
      .where(eq(members.id, account.user.id));

    await reset(account.email, 'a brand new passphrase');
    expect(await countsOf(account.user.id)).toEqual({
      mfa: MAX_CONSECUTIVE_FAILURES,
      mfaLockedUntil: lockedUntil,
      code: 0,
      codeLockedUntil: null,
    });
  });

  it('deletes pending (unconfirmed) factors, and keeps active ones', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const other = await signUp(ctx.app, ctx.db);
    // An email factor started but never confirmed, for this account and for another. Adding a
    // second method needs step-up: this account's window is opened as re-authenticating would.
    await openStepUpWindow(ctx.db, account.client);
    for (const client of [account.client, other.client]) {
      const started = await client.post('/api/mfa/email', {});
      expect(started.statusCode, started.body).toBeLessThan(300);
    }
    const pendingOf = (userId: string) =>
      ctx.db.db
        .select({ id: mfaFactors.id })
        .from(mfaFactors)
        .where(and(eq(mfaFactors.userId, userId), eq(mfaFactors.status, 'pending')));
    expect(await pendingOf(account.user.id)).toHaveLength(1);

    await reset(account.email, 'a brand new passphrase');
    expect(await pendingOf(account.user.id)).toHaveLength(0);
    expect(await pendingOf(other.user.id)).toHaveLength(1);
    const active = await ctx.db.db
      .select({ id: mfaFactors.id })
      .from(mfaFactors)
      .where(and(eq(mfaFactors.userId, account.user.id), eq(mfaFactors.status, 'active')));
    expect(active).toHaveLength(1);
  });
});
