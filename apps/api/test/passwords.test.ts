import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { members } from '@twofold/db';
import { argon2Pool, passwordWeakness } from '@twofold/fastify/internal';
import { Client, GOOD_PASSWORD, signUp, uniqueEmail, useTestApp } from './helpers/app.js';
import { mailsTo } from './helpers/security.js';

const ctx = useTestApp();

describe('password checks', () => {
  it('runs one argon2id verification for an unknown email, as for a known one (no timing oracle)', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    const verify = vi.spyOn(argon2Pool, 'verify');

    verify.mockClear();
    await new Client(ctx.app).post('/api/auth/login', { email, password: 'wrong password here' });
    expect(verify).toHaveBeenCalledTimes(1);

    verify.mockClear();
    await new Client(ctx.app).post('/api/auth/login', {
      email: uniqueEmail('ghost'),
      password: 'wrong password here',
    });
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]?.[0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('runs one argon2id hash for a sign-up with a taken address, as for a new one (no timing oracle)', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    const hash = vi.spyOn(argon2Pool, 'hash');

    hash.mockClear();
    const taken = await new Client(ctx.app).post('/api/auth/register', {
      email,
      password: 'another good passphrase',
    });
    expect(taken.statusCode).toBe(201);
    expect(hash).toHaveBeenCalledTimes(1);

    hash.mockClear();
    const fresh = await new Client(ctx.app).post('/api/auth/register', {
      email: uniqueEmail('fresh'),
      password: 'another good passphrase',
    });
    expect(fresh.statusCode).toBe(201);
    expect(hash).toHaveBeenCalledTimes(1);
  });

  it('refuses a weak password before writing anything, so a strong retry signs up as new', async () => {
    const email = uniqueEmail('weak-first');
    const weak = await new Client(ctx.app).post('/api/auth/register', {
      email,
      password: 'abababab',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().code).toBe('WEAK_PASSWORD');
    expect(await ctx.db.db.select().from(members).where(eq(members.email, email))).toHaveLength(0);
    expect(await mailsTo(ctx.db, email)).toHaveLength(0);

    const strong = await new Client(ctx.app).post('/api/auth/register', {
      email,
      password: GOOD_PASSWORD,
    });
    expect(strong.statusCode).toBe(201);
    const [user] = await ctx.db.db.select().from(members).where(eq(members.email, email));
    expect(user?.emailVerifiedAt).toBeNull();
    // The one mail is a real registration code, not the notice a taken address gets.
    const mails = await mailsTo(ctx.db, email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toMatch(/\b\d{6}\b/);
  });

  it('refuses passwords built from the email or with almost no variety', async () => {
    expect(passwordWeakness('jane.doe.2024', 'jane.doe@example.com')).toMatch(/email/);
    expect(passwordWeakness('jane.doe@example.com', 'jane.doe@example.com')).toMatch(/email/);
    expect(passwordWeakness('abababab', 'x@example.com')).toMatch(/variety/);
    expect(passwordWeakness('correct horse battery', 'jane@example.com')).toBeNull();
    const response = await new Client(ctx.app).post('/api/auth/register', {
      email: 'jane.doe@example.com',
      password: 'jane.doe.2024',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('WEAK_PASSWORD');
  });
});
