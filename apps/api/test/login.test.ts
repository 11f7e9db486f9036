import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { securityEvents, members } from '@twofold/db';
import {
  Client,
  GOOD_PASSWORD,
  latestCode,
  signUp,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';

const ctx = useTestApp();

describe('password sign-in', () => {
  it('signs in with the right password and records the event', async () => {
    const { email, password, user } = await signUp(ctx.app, ctx.db);
    const client = new Client(ctx.app);
    const response = await client.post('/api/auth/login', { email: email.toUpperCase(), password });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'authenticated',
      user: { id: user.id, email, role: user.role, emailVerified: true, mfaEnabled: false },
    });
    expect((await client.get('/api/auth/session')).statusCode).toBe(200);
    const events = await ctx.db.db
      .select()
      .from(securityEvents)
      .where(and(eq(securityEvents.userId, user.id), eq(securityEvents.type, 'login.succeeded')));
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]?.ip).toBeTruthy();
  });

  it('answers an unknown email and a wrong password identically', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    const wrongPassword = await new Client(ctx.app).post('/api/auth/login', {
      email,
      password: 'not the password at all',
    });
    const unknownEmail = await new Client(ctx.app).post('/api/auth/login', {
      email: uniqueEmail('nobody'),
      password: 'not the password at all',
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
    expect(wrongPassword.json().code).toBe('INVALID_CREDENTIALS');
    expect(wrongPassword.headers['set-cookie']).toBeUndefined();
    expect(unknownEmail.headers['set-cookie']).toBeUndefined();
  });

  it('sends a fresh code to an unverified account with the right password, and nothing with a wrong one', async () => {
    const email = uniqueEmail('unverified');
    await new Client(ctx.app).post('/api/auth/register', { email, password: GOOD_PASSWORD });
    const firstCode = await latestCode(ctx.db, email);

    const wrong = await new Client(ctx.app).post('/api/auth/login', {
      email,
      password: 'wrong password here',
    });
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');

    const client = new Client(ctx.app);
    const response = await client.post('/api/auth/login', { email, password: GOOD_PASSWORD });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('verification_required');
    expect(client.cookies.has('twofold_pending')).toBe(true);
    expect(client.cookies.has('twofold_session')).toBe(false);
    const code = await latestCode(ctx.db, email);
    if (code !== firstCode) {
      // The first code was voided by the new one.
      expect(
        (await client.post('/api/auth/register/verify', { code: firstCode })).json().code,
      ).toBe('INVALID_CODE');
    }
    expect((await client.post('/api/auth/register/verify', { code })).statusCode).toBe(200);
    const [row] = await ctx.db.db.select().from(members).where(eq(members.email, email));
    expect(row?.emailVerifiedAt).not.toBeNull();
  });

  it('records a security event for each step: failed and successful sign-in, sign-out, reset request and reset', async () => {
    const { client, email, password, user } = await signUp(ctx.app, ctx.db);
    await new Client(ctx.app).post('/api/auth/login', { email, password: 'wrong password here' });
    await client.post('/api/auth/logout');
    await new Client(ctx.app).post('/api/auth/login', { email, password });
    await new Client(ctx.app).post('/api/auth/password/forgot', { email });
    await new Client(ctx.app).post('/api/auth/password/reset', {
      email,
      code: await latestCode(ctx.db, email),
      password: 'a fresh passphrase',
    });
    const rows = await ctx.db.db
      .select()
      .from(securityEvents)
      .where(eq(securityEvents.userId, user.id));
    expect(rows.map((row) => row.type)).toEqual(
      expect.arrayContaining([
        'user.registered',
        'email.verified',
        'login.failed',
        'logout',
        'login.succeeded',
        'password.reset_requested',
        'password.reset',
      ]),
    );
    const failed = rows.find((row) => row.type === 'login.failed');
    expect(failed?.metadata).toEqual({ reason: 'wrong_password' });
    // Metadata never carries a code or a password.
    expect(JSON.stringify(rows)).not.toContain(password);
  });

  it('accepts a Unicode password in either normalisation form', async () => {
    const composed = 'pässwörd ünïcode ✓';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const { email } = await signUp(ctx.app, ctx.db, uniqueEmail('unicode'), composed);
    const response = await new Client(ctx.app).post('/api/auth/login', {
      email,
      password: decomposed,
    });
    expect(response.statusCode).toBe(200);
  });
});
