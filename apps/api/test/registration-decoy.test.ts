import { describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { devOutbox, emailCodes, members } from '@twofold/db';
import { hmacSha256Hex } from '@twofold/mfa-core';
import {
  Client,
  GOOD_PASSWORD,
  latestCode,
  signUp,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';
import { enrollTotp } from './helpers/mfa.js';
import { contextOf } from '@twofold/fastify/internal';

const ctx = useTestApp();

const userId = async (email: string) =>
  (await ctx.db.db.select().from(members).where(eq(members.email, email)))[0]!.id;

describe('a sign-up for an address that already has an account', () => {
  it('stores a code that no 6-digit input can ever match, so its pending cookie can never sign in', async () => {
    const { client: owner, email } = await signUp(ctx.app, ctx.db);
    await enrollTotp(owner);
    const attacker = new Client(ctx.app);
    expect(
      (await attacker.post('/api/auth/register', { email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(201);

    const id = await userId(email);
    const [decoy] = await ctx.db.db
      .select()
      .from(emailCodes)
      .where(
        and(
          eq(emailCodes.userId, id),
          eq(emailCodes.purpose, 'registration_decoy'),
          isNull(emailCodes.usedAt),
        ),
      );
    expect(decoy).toBeDefined();
    const key = contextOf(ctx.app).config.codeHmacKey;
    for (let n = 0; n < 1_000_000; n++) {
      const code = String(n).padStart(6, '0');
      const candidate = hmacSha256Hex(
        key,
        `registration_decoy:${id}:${decoy!.challengeId}:${code}`,
      );
      if (candidate === decoy!.codeHash) throw new Error(`the decoy code ${code} can be entered`);
    }
    const attempt = await attacker.post('/api/auth/register/verify', { code: '123456' });
    expect(attempt.statusCode).toBe(400);
    expect(attacker.cookies.has('twofold_session')).toBe(false);
  });

  it('never sends the owner a code when the duplicate asks for a resend', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    const attacker = new Client(ctx.app);
    await attacker.post('/api/auth/register', { email, password: GOOD_PASSWORD });
    const before = await ctx.db.db.select().from(devOutbox).where(eq(devOutbox.to, email));
    // The cooldown applies as for a real sign-up; skip it by moving the code's creation back.
    await ctx.db.db
      .update(emailCodes)
      .set({ createdAt: new Date(Date.now() - 120_000) })
      .where(eq(emailCodes.userId, await userId(email)));
    const resent = await attacker.post('/api/auth/register/resend');
    expect(resent.statusCode, resent.body).toBe(200);
    const after = await ctx.db.db.select().from(devOutbox).where(eq(devOutbox.to, email));
    expect(after).toHaveLength(before.length);
  });

  it('leaves the real pending sign-up of an unverified owner working', async () => {
    const email = uniqueEmail('owner');
    const owner = new Client(ctx.app);
    await owner.post('/api/auth/register', { email, password: GOOD_PASSWORD });
    const code = await latestCode(ctx.db, email);
    await new Client(ctx.app).post('/api/auth/register', {
      email,
      password: 'someone else entirely',
    });
    const verified = await owner.post('/api/auth/register/verify', { code });
    expect(verified.statusCode, verified.body).toBe(200);
  });
});

describe('a password reset', () => {
  it('closes half-finished sign-ins', async () => {
    const { client, email, password } = await signUp(ctx.app, ctx.db);
    await enrollTotp(client);
    const signingIn = new Client(ctx.app);
    expect((await signingIn.post('/api/auth/login', { email, password })).json().status).toBe(
      'mfa_required',
    );
    await new Client(ctx.app).post('/api/auth/password/forgot', { email });
    await new Client(ctx.app).post('/api/auth/password/reset', {
      email,
      code: await latestCode(ctx.db, email),
      password: 'a different passphrase',
    });
    const late = await signingIn.post('/api/auth/mfa/verify', {
      method: 'backup_code',
      code: 'aaaaa-aaaaa',
    });
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('CHALLENGE_REQUIRED');
  });
});
