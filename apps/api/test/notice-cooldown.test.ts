import { describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { securityEvents } from '@twofold/db';
import {
  Client,
  GOOD_PASSWORD,
  openStepUpWindow,
  signUp,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';
import { mailsWithSubject } from './helpers/security.js';
import { NOTICE_COOLDOWN_MS } from '@twofold/fastify/internal';

/**
 * Security rule: notices that anyone can trigger by typing an address (someone tried to sign up
 * with it, or to move an account to it) go at most once per address and kind per hour, with
 * their timeline event, so nobody can use Twofold to flood a mailbox. The answers stay uniform.
 */

const ctx = useTestApp();

const SIGN_UP_NOTICE = 'Someone tried to create a Twofold account with your email';
const MOVE_NOTICE = 'Someone tried to move your email to another Twofold account';

async function eventsOf(userId: string, type: string) {
  return ctx.db.db
    .select()
    .from(securityEvents)
    .where(and(eq(securityEvents.userId, userId), eq(securityEvents.type, type)));
}

describe('the "someone tried to sign up with your address" notice', () => {
  it('40 duplicate sign-ups in a row: exactly 1 mail and 1 event; after the window, another', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const owner = await signUp(ctx.app, ctx.db);
    const fresh = await new Client(ctx.app).post('/api/auth/register', {
      email: uniqueEmail('fresh'),
      password: GOOD_PASSWORD,
    });

    for (let n = 0; n < 40; n += 1) {
      const again = await new Client(ctx.app).post('/api/auth/register', {
        email: owner.email.toUpperCase(),
        password: GOOD_PASSWORD,
      });
      // The answer stays the one a new sign-up gets.
      expect(again.statusCode).toBe(201);
      expect(Object.keys(again.json()).sort()).toEqual(Object.keys(fresh.json()).sort());
    }
    expect(await mailsWithSubject(ctx.db, owner.email, SIGN_UP_NOTICE)).toHaveLength(1);
    expect(await eventsOf(owner.user.id, 'registration.duplicate')).toHaveLength(1);

    vi.setSystemTime(Date.now() + NOTICE_COOLDOWN_MS - 1_000);
    await new Client(ctx.app).post('/api/auth/register', {
      email: owner.email,
      password: GOOD_PASSWORD,
    });
    expect(await mailsWithSubject(ctx.db, owner.email, SIGN_UP_NOTICE)).toHaveLength(1);

    vi.setSystemTime(Date.now() + 2_000);
    await new Client(ctx.app).post('/api/auth/register', {
      email: owner.email,
      password: GOOD_PASSWORD,
    });
    expect(await mailsWithSubject(ctx.db, owner.email, SIGN_UP_NOTICE)).toHaveLength(2);
    expect(await eventsOf(owner.user.id, 'registration.duplicate')).toHaveLength(2);
  });

  it('concurrent duplicate sign-ups send one notice', async () => {
    const owner = await signUp(ctx.app, ctx.db);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        new Client(ctx.app).post('/api/auth/register', {
          email: owner.email,
          password: GOOD_PASSWORD,
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201));
    expect(await mailsWithSubject(ctx.db, owner.email, SIGN_UP_NOTICE)).toHaveLength(1);
  });
});

describe('the "someone tried to move your email" notice', () => {
  it('40 attempts to take an address: 1 mail and 1 event for its owner; after the window, another', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const owner = await signUp(ctx.app, ctx.db);
    const mover = await signUp(ctx.app, ctx.db);
    for (let n = 0; n < 40; n += 1) {
      // 61 s apart: the resend wait between codes.
      vi.setSystemTime(Date.now() + 61_000);
      await openStepUpWindow(ctx.db, mover.client, new Date());
      const asked = await mover.client.post('/api/account/email', { email: owner.email });
      expect(asked.statusCode, asked.body).toBe(200);
    }
    expect(await mailsWithSubject(ctx.db, owner.email, MOVE_NOTICE)).toHaveLength(1);
    expect(await eventsOf(owner.user.id, 'email.change_duplicate')).toHaveLength(1);

    // The session went idle meanwhile: sign in again.
    vi.setSystemTime(Date.now() + NOTICE_COOLDOWN_MS);
    await mover.client.post('/api/auth/login', { email: mover.email, password: GOOD_PASSWORD });
    await openStepUpWindow(ctx.db, mover.client, new Date());
    expect((await mover.client.post('/api/account/email', { email: owner.email })).statusCode).toBe(
      200,
    );
    expect(await mailsWithSubject(ctx.db, owner.email, MOVE_NOTICE)).toHaveLength(2);
    expect(await eventsOf(owner.user.id, 'email.change_duplicate')).toHaveLength(2);
  });
});
