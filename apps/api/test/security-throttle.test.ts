import { beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { members } from '@twofold/db';
import { MAX_CONSECUTIVE_FAILURES, MFA_MAX_DELAY_SECONDS, mfaThrottle } from '@twofold/mfa-core';
import { Client, signUp, useTestApp } from './helpers/app.js';
import { nextStep } from './helpers/mfa.js';
import {
  challengeFor,
  mailedCode,
  passwordStep,
  range,
  send,
  STEP_MS,
  tally,
  totpAt,
  totpUser,
  wrongTotp,
} from './helpers/security.js';
import { contextOf } from '@twofold/fastify/internal';

/**
 * Security rule: second-factor failures are throttled per account, counted atomically across
 * every challenge and IP: backoff from the 5th failure, and never more than 100 consecutive
 * failures evaluated (NIST SP 800-63B). A password reset lifts neither the lock nor the factor.
 */

const ctx = useTestApp();
beforeAll(async () => {
  await signUp(ctx.app, ctx.db);
});

const IPS = ['198.51.100.7', '203.0.113.20', '192.0.2.33', '2001:db8::44'];

async function throttleOf(userId: string) {
  const [row] = await ctx.db.db
    .select({ attempts: members.mfaFailedAttempts, lockedUntil: members.mfaLockedUntil })
    .from(members)
    .where(eq(members.id, userId));
  return row!;
}

async function setFailures(userId: string, attempts: number) {
  await ctx.db.db
    .update(members)
    .set({ mfaFailedAttempts: attempts, mfaLockedUntil: null })
    .where(eq(members.id, userId));
}

const verify = (cookie: string, code: string, remoteAddress?: string) =>
  send(ctx.app, {
    url: '/api/auth/mfa/verify',
    body: { method: 'totp', code },
    cookie,
    remoteAddress,
  });

describe('per-account throttling of second-factor failures', () => {
  it('counts wrong codes across challenges and IPs: backoff from the 5th, one more try after the wait, a success resets the count', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const wrong = wrongTotp(account.secret);
    // Three sign-in attempts from different addresses share one account budget.
    const challenges = await Promise.all(
      IPS.slice(0, 3).map((ip) => challengeFor(ctx.app, account.email, account.password, ip)),
    );
    const attempt = (n: number) => {
      const i = n % challenges.length;
      return verify(challenges[i]!, wrong, IPS[i]);
    };

    for (const n of range(5)) {
      const answer = await attempt(n);
      expect(answer.statusCode, `failure ${n + 1}: ${answer.body}`).toBe(400);
      expect(answer.json().code).toBe('INVALID_CODE');
      expect((await throttleOf(account.user.id)).attempts).toBe(n + 1);
    }

    // From the 5th failure on, the account waits; a different challenge and address changes nothing.
    const held = await verify(challenges[2]!, wrong, IPS[3]);
    expect(held.statusCode, held.body).toBe(429);
    expect(held.json().code).toBe('MFA_LOCKED');
    const retryAfter = held.json().retryAfter as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(held.headers['retry-after']).toBe(String(retryAfter));
    // Held attempts are not evaluated, so the right code is refused too and nothing is counted.
    const rightButHeld = await verify(challenges[0]!, totpAt(account.secret), IPS[0]);
    expect(rightButHeld.json().code).toBe('MFA_LOCKED');
    expect((await throttleOf(account.user.id)).attempts).toBe(5);

    // After the wait exactly one more attempt is evaluated, then the wait doubles.
    vi.setSystemTime(Date.now() + retryAfter * 1000 + 1);
    const sixth = await attempt(5);
    expect(sixth.statusCode).toBe(400);
    expect(sixth.json().code).toBe('INVALID_CODE');
    expect((await throttleOf(account.user.id)).attempts).toBe(6);
    const heldAgain = await attempt(6);
    expect(heldAgain.statusCode).toBe(429);
    expect(heldAgain.json().retryAfter).toBeGreaterThan(retryAfter);

    // A success (the next step, so the code is unused) resets the shared count.
    vi.setSystemTime(Date.now() + STEP_MS);
    const ok = await verify(challenges[1]!, totpAt(account.secret), IPS[1]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await throttleOf(account.user.id)).toEqual({ attempts: 0, lockedUntil: null });
    const next = await verify(
      await challengeFor(ctx.app, account.email, account.password, IPS[2]),
      wrongTotp(account.secret),
      IPS[2],
    );
    expect(next.statusCode).toBe(400);
    expect(next.json().code).toBe('INVALID_CODE');
  });

  it('waits after each failure exactly as the core schedule says (mfaThrottle), 1 s from the 5th up to 15 min, and locks at the 100th', async () => {
    const { user } = await signUp(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    let now = nextStep();
    vi.setSystemTime(now);
    const waits: number[] = [];
    for (let failures = 1; failures <= MAX_CONSECUTIVE_FAILURES; failures += 1) {
      // Each reservation counts as a failure until a success resets it; it throws when refused.
      await contextOf(ctx.app).throttle.reserve(user.id);
      const state = await throttleOf(user.id);
      expect(state.attempts).toBe(failures);
      const waitMs = state.lockedUntil ? state.lockedUntil.getTime() - now : 0;
      expect(waitMs, `wait after failure ${failures}`).toBe(
        mfaThrottle(failures).delaySeconds * 1000,
      );
      waits.push(waitMs / 1000);
      now += waitMs;
      vi.setSystemTime(now);
    }
    expect(waits.slice(0, 8)).toEqual([0, 0, 0, 0, 1, 2, 4, 8]);
    expect(waits.at(-1)).toBe(MFA_MAX_DELAY_SECONDS);

    // The wait is over, but the budget is spent: nothing more is evaluated.
    expect(mfaThrottle(MAX_CONSECUTIVE_FAILURES).locked).toBe(true);
    await expect(contextOf(ctx.app).throttle.reserve(user.id)).rejects.toMatchObject({
      code: 'MFA_LOCKED',
    });
    expect((await throttleOf(user.id)).attempts).toBe(MAX_CONSECUTIVE_FAILURES);
  });

  it('evaluates at most 100 consecutive failures: after that even the right code is refused, with no time to wait for', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await setFailures(account.user.id, MAX_CONSECUTIVE_FAILURES - 1);

    const hundredth = await verify(
      await challengeFor(ctx.app, account.email, account.password),
      wrongTotp(account.secret),
    );
    expect(hundredth.statusCode).toBe(400);
    expect(hundredth.json().code).toBe('INVALID_CODE');
    expect((await throttleOf(account.user.id)).attempts).toBe(MAX_CONSECUTIVE_FAILURES);

    // Long after any backoff has run out, a new sign-in with the right code is still refused.
    vi.setSystemTime(nextStep() + (MFA_MAX_DELAY_SECONDS + 60) * 1000);
    const locked = await verify(
      await challengeFor(ctx.app, account.email, account.password),
      totpAt(account.secret),
    );
    expect(locked.statusCode, locked.body).toBe(429);
    expect(locked.json().code).toBe('MFA_LOCKED');
    expect(locked.json().retryAfter).toBeUndefined();
    expect(locked.headers['retry-after']).toBeUndefined();
    expect((await throttleOf(account.user.id)).attempts).toBe(MAX_CONSECUTIVE_FAILURES);

    // The step-up header is a second factor too, behind the same lock.
    const stepUp = await account.client.post(
      '/api/mfa/backup-codes',
      {},
      { 'x-totp-code': totpAt(account.secret) },
    );
    expect(stepUp.json().code).toBe('MFA_LOCKED');
    expect((await throttleOf(account.user.id)).attempts).toBe(MAX_CONSECUTIVE_FAILURES);
  });

  it('never evaluates a 101st consecutive failure, even when no backoff is pending', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await setFailures(account.user.id, MAX_CONSECUTIVE_FAILURES - 5);
    const cookie = await challengeFor(ctx.app, account.email, account.password);
    const wrong = wrongTotp(account.secret);
    // Clearing the backoff by hand isolates the cap: only the count decides below.
    const clearBackoff = () =>
      ctx.db.db
        .update(members)
        .set({ mfaLockedUntil: null })
        .where(eq(members.id, account.user.id));

    for (const n of range(5)) {
      await clearBackoff();
      const answer = await verify(cookie, wrong);
      expect(answer.json().code, `failure ${MAX_CONSECUTIVE_FAILURES - 4 + n}`).toBe(
        'INVALID_CODE',
      );
    }
    expect((await throttleOf(account.user.id)).attempts).toBe(MAX_CONSECUTIVE_FAILURES);

    await clearBackoff();
    const locked = await verify(cookie, totpAt(account.secret));
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('MFA_LOCKED');
    expect(locked.json().retryAfter).toBeUndefined();
    expect((await throttleOf(account.user.id)).attempts).toBe(MAX_CONSECUTIVE_FAILURES);
  });

  it('20 concurrent attempts at 95 failures evaluate at most 5, and the count never passes 100', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const challenges = await Promise.all(
      range(20).map((i) =>
        challengeFor(ctx.app, account.email, account.password, IPS[i % IPS.length]),
      ),
    );
    await setFailures(account.user.id, MAX_CONSECUTIVE_FAILURES - 5);
    const wrong = wrongTotp(account.secret);

    const answers = await Promise.all(
      challenges.map((cookie, i) => verify(cookie, wrong, IPS[i % IPS.length])),
    );
    const counts = tally(answers);
    for (const label of Object.keys(counts)) {
      expect(['400 INVALID_CODE', '429 MFA_LOCKED'], JSON.stringify(counts)).toContain(label);
    }
    const evaluated = counts['400 INVALID_CODE'] ?? 0;
    expect(evaluated).toBeGreaterThanOrEqual(1);
    expect(evaluated).toBeLessThanOrEqual(5);
    const { attempts } = await throttleOf(account.user.id);
    expect(attempts).toBe(MAX_CONSECUTIVE_FAILURES - 5 + evaluated);
    expect(attempts).toBeLessThanOrEqual(MAX_CONSECUTIVE_FAILURES);
  });

  it('a password reset does not lift the lock: no number of resets buys more guesses', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await setFailures(account.user.id, MAX_CONSECUTIVE_FAILURES);
    const locked = await verify(
      await challengeFor(ctx.app, account.email, account.password),
      totpAt(account.secret),
    );
    expect(locked.json().code).toBe('MFA_LOCKED');
    expect(locked.json().message).not.toMatch(/reset your password/i);
    const before = await throttleOf(account.user.id);

    let password = account.password;
    for (const round of [1, 2, 3]) {
      vi.setSystemTime(Date.now() + 61_000);
      const { code } = await mailedCode(ctx.db, account.email, () =>
        new Client(ctx.app).post('/api/auth/password/forgot', { email: account.email }),
      );
      password = `a brand new passphrase ${round}`;
      const reset = await new Client(ctx.app).post('/api/auth/password/reset', {
        email: account.email,
        code,
        password,
      });
      expect(reset.statusCode, reset.body).toBe(200);
      // Not reset, not lowered: the count stays where it was.
      expect(await throttleOf(account.user.id)).toEqual(before);
    }

    // Sign-in still asks for the second factor, and the right code is still refused.
    const { client, body } = await passwordStep(ctx.app, account.email, password);
    expect(body.status).toBe('mfa_required');
    vi.setSystemTime(Date.now() + STEP_MS);
    const still = await client.post('/api/auth/mfa/verify', {
      method: 'totp',
      code: totpAt(account.secret),
    });
    expect(still.statusCode).toBe(429);
    expect(still.json().code).toBe('MFA_LOCKED');
    expect((await client.get('/api/auth/session')).statusCode).toBe(401);
  });
});
