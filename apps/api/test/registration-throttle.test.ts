import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { members } from '@twofold/db';
import {
  Client,
  GOOD_PASSWORD,
  latestCode,
  openStepUpWindow,
  signUp,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';
import { mailedCode, mailsTo } from './helpers/security.js';

/**
 * Security rule: wrong registration and email-change codes are counted per account across every
 * code mailed (a sign-in of an unverified account mails a fresh one): backoff from the 5th in a
 * row, nothing evaluated after 20, a right code or a password reset starts again. And at most 5
 * registration codes are mailed per account per hour.
 */

const ctx = useTestApp();

const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

async function codeThrottleOf(userId: string) {
  const [row] = await ctx.db.db
    .select({
      attempts: members.codeFailedAttempts,
      lockedUntil: members.codeLockedUntil,
      verifiedAt: members.emailVerifiedAt,
    })
    .from(members)
    .where(eq(members.id, userId));
  return row!;
}

async function userIdOf(email: string) {
  const [row] = await ctx.db.db
    .select({ id: members.id })
    .from(members)
    .where(eq(members.email, email));
  return row!.id;
}

/** Moves the faked clock past the account's backoff, if any. */
async function waitOutBackoff(userId: string) {
  const { lockedUntil } = await codeThrottleOf(userId);
  if (lockedUntil && lockedUntil.getTime() > Date.now()) {
    vi.setSystemTime(lockedUntil.getTime() + 1);
  }
}

const register = (client: Client, email: string) =>
  client.post('/api/auth/register', { email, password: GOOD_PASSWORD });
const verify = (client: Client, code: string) => client.post('/api/auth/register/verify', { code });
const signIn = (client: Client, email: string) =>
  client.post('/api/auth/login', { email, password: GOOD_PASSWORD });

const outcome = (response: LightMyRequestResponse) => {
  const body = response.json();
  return `${response.statusCode} ${body.code ?? body.status}${body.retryAfter ? ` ${body.retryAfter}s` : ''}`;
};

describe('registration codes, counted per account across fresh codes', () => {
  it('40 wrong guesses across fresh codes, then the right one: refused, and the address stays unverified', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const email = uniqueEmail('squatter');
    const attacker = new Client(ctx.app);
    expect((await register(attacker, email)).statusCode).toBe(201);
    const userId = await userIdOf(email);

    const answers: string[] = [];
    for (let guess = 0; guess < 40; guess += 1) {
      // A fresh code with 5 fresh tries for every guess: sign in again, 12.5 minutes apart (at
      // most 5 codes an hour), or later when the backoff says so.
      const { lockedUntil } = await codeThrottleOf(userId);
      vi.setSystemTime(Math.max(Date.now() + 12.5 * 60_000, (lockedUntil?.getTime() ?? 0) + 1));
      const signedIn = await signIn(attacker, email);
      expect(signedIn.json().status, signedIn.body).toBe('verification_required');
      const answer = await verify(attacker, wrongFor(await latestCode(ctx.db, email)));
      answers.push(outcome(answer));
    }
    // 20 wrong codes were evaluated; the 20 after them were refused unread.
    expect(answers.slice(0, 20)).toEqual(Array(20).fill('400 INVALID_CODE'));
    expect(answers.slice(20)).toEqual(Array(20).fill('429 VERIFICATION_LOCKED'));
    expect((await codeThrottleOf(userId)).attempts).toBe(20);

    vi.setSystemTime(Date.now() + 12.5 * 60_000);
    expect((await signIn(attacker, email)).json().status).toBe('verification_required');
    const right = await verify(attacker, await latestCode(ctx.db, email));
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe('VERIFICATION_LOCKED');
    expect(right.json().message).toMatch(/reset your password/i);
    expect((await attacker.get('/api/auth/session')).statusCode).toBe(401);
    expect((await codeThrottleOf(userId)).verifiedAt).toBeNull();
  });

  it('backs off from the 5th wrong code in a row, across codes, and a right code starts again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const email = uniqueEmail('slow');
    const client = new Client(ctx.app);
    await register(client, email);
    const userId = await userIdOf(email);
    for (let guess = 0; guess < 4; guess += 1) {
      expect((await verify(client, wrongFor(await latestCode(ctx.db, email)))).statusCode).toBe(
        400,
      );
    }
    // A fresh code does not bring the count back to zero.
    vi.setSystemTime(Date.now() + 1_000);
    await signIn(client, email);
    const fifth = await verify(client, wrongFor(await latestCode(ctx.db, email)));
    expect(fifth.json()).toMatchObject({ code: 'INVALID_CODE', attemptsLeft: 4 });
    const sixth = await verify(client, await latestCode(ctx.db, email));
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json()).toMatchObject({ code: 'VERIFICATION_LOCKED', retryAfter: 1 });
    expect(await codeThrottleOf(userId)).toMatchObject({ attempts: 5 });

    vi.setSystemTime(Date.now() + 1_001);
    const right = await verify(client, await latestCode(ctx.db, email));
    expect(right.statusCode, right.body).toBe(200);
    expect(await codeThrottleOf(userId)).toMatchObject({ attempts: 0, lockedUntil: null });
  });

  it('a password reset proves the mailbox: it verifies the address and starts the count again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const email = uniqueEmail('locked-out');
    const client = new Client(ctx.app);
    await register(client, email);
    const userId = await userIdOf(email);
    await ctx.db.db.update(members).set({ codeFailedAttempts: 20 }).where(eq(members.id, userId));
    expect((await verify(client, await latestCode(ctx.db, email))).statusCode).toBe(429);

    const { code } = await mailedCode(ctx.db, email, () =>
      new Client(ctx.app).post('/api/auth/password/forgot', { email }),
    );
    const reset = await new Client(ctx.app).post('/api/auth/password/reset', {
      email,
      code,
      password: 'a brand new passphrase',
    });
    expect(reset.statusCode, reset.body).toBe(200);
    const after = await codeThrottleOf(userId);
    expect(after).toMatchObject({ attempts: 0, lockedUntil: null });
    expect(after.verifiedAt).not.toBeNull();
  });

  it('a sign-up for an address that has an account answers wrong codes exactly like a new one, without touching the owner', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const owner = await signUp(ctx.app, ctx.db);

    /**
     * Guesses until the pending sign-up ends (15 minutes): a new code when one is spent, the
     * wait when told to.
     */
    async function guess(client: Client) {
      const answers: string[] = [];
      while (!answers.at(-1)?.includes('VERIFICATION_NOT_PENDING')) {
        const answer = await verify(client, '000000');
        answers.push(outcome(answer));
        const { code, retryAfter } = answer.json();
        if (code === 'TOO_MANY_ATTEMPTS' || code === 'CODE_EXPIRED') {
          vi.setSystemTime(Date.now() + 61_000);
          answers.push(outcome(await client.post('/api/auth/register/resend')));
        } else if (retryAfter) {
          vi.setSystemTime(Date.now() + retryAfter * 1000);
        }
      }
      return answers;
    }

    const start = Date.now() + 61 * 60_000;
    vi.setSystemTime(start);
    const fresh = new Client(ctx.app);
    expect((await register(fresh, uniqueEmail('fresh'))).statusCode).toBe(201);
    const real = await guess(fresh);

    vi.setSystemTime(start);
    const decoy = new Client(ctx.app);
    expect((await register(decoy, owner.email)).statusCode).toBe(201);
    expect(await guess(decoy)).toEqual(real);
    expect(real.filter((a) => a.startsWith('429 VERIFICATION_LOCKED')).length).toBeGreaterThan(5);

    // The owner's own count is untouched: their codes still work.
    expect(await codeThrottleOf(owner.user.id)).toMatchObject({ attempts: 0, lockedUntil: null });
  });
});

describe('registration codes mailed per account per hour', () => {
  it('mails at most 5 an hour (sign-in and resend alike): past it 429 with retryAfter, and nothing sent', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const email = uniqueEmail('flooded');
    const client = new Client(ctx.app);
    await register(client, email); // the 1st code
    for (let n = 2; n <= 5; n += 1) {
      vi.setSystemTime(Date.now() + 61_000);
      const again =
        n % 2 === 0 ? await signIn(client, email) : await client.post('/api/auth/register/resend');
      expect(again.statusCode, again.body).toBeLessThan(300);
    }
    expect(await mailsTo(ctx.db, email)).toHaveLength(5);

    vi.setSystemTime(Date.now() + 61_000);
    const sixth = await signIn(client, email);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().code).toBe('TOO_MANY_CODES');
    // The first code leaves the hour 4 x 61 s + 61 s after it was sent, minus the 5 x 61 s gone.
    expect(sixth.json().retryAfter).toBe(3600 - 5 * 61);
    const resend = await client.post('/api/auth/register/resend');
    expect(resend.statusCode).toBe(429);
    expect(resend.json().code).toBe('TOO_MANY_CODES');
    expect(await mailsTo(ctx.db, email)).toHaveLength(5);

    vi.setSystemTime(Date.now() + sixth.json().retryAfter * 1000);
    expect((await signIn(client, email)).json().status).toBe('verification_required');
    expect(await mailsTo(ctx.db, email)).toHaveLength(6);
  });

  it('caps the resends of a duplicate sign-up the same way', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const owner = await signUp(ctx.app, ctx.db);
    const run = async (email: string) => {
      const client = new Client(ctx.app);
      await register(client, email);
      const answers: number[] = [];
      for (let n = 0; n < 6; n += 1) {
        vi.setSystemTime(Date.now() + 61_000);
        answers.push((await client.post('/api/auth/register/resend')).statusCode);
      }
      return answers;
    };
    const real = await run(uniqueEmail('capped'));
    expect(real).toEqual([200, 200, 200, 200, 429, 429]);
    expect(await run(owner.email)).toEqual(real);
  });
});

describe('email-change codes, counted per account across fresh codes', () => {
  it('40 wrong guesses across fresh codes, then the right one: refused, and the address is unchanged', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { client, email, user } = await signUp(ctx.app, ctx.db);
    const target = uniqueEmail('not-mine');
    const answers: string[] = [];
    for (let guess = 0; guess < 40; guess += 1) {
      if (guess % 5 === 0) {
        vi.setSystemTime(Date.now() + 61_000);
        await openStepUpWindow(ctx.db, client, new Date());
        const asked = await client.post('/api/account/email', { email: target });
        expect(asked.statusCode, asked.body).toBe(200);
      }
      await waitOutBackoff(user.id);
      answers.push(
        outcome(
          await client.post('/api/account/email/verify', {
            code: wrongFor(await latestCode(ctx.db, target)),
          }),
        ),
      );
    }
    expect(answers.slice(0, 20).some((a) => a.startsWith('429 VERIFICATION_LOCKED'))).toBe(false);
    expect(answers.slice(20)).toEqual(Array(20).fill('429 VERIFICATION_LOCKED'));

    vi.setSystemTime(Date.now() + 61_000);
    await openStepUpWindow(ctx.db, client, new Date());
    await client.post('/api/account/email', { email: target });
    const right = await client.post('/api/account/email/verify', {
      code: await latestCode(ctx.db, target),
    });
    expect(right.statusCode).toBe(429);
    expect(right.json().code).toBe('VERIFICATION_LOCKED');
    expect((await client.get('/api/auth/session')).json().user.email).toBe(email);
  });
});
