import { describe, expect, it, vi } from 'vitest';
import { contextOf } from '@twofold/fastify/internal';
import { eq } from 'drizzle-orm';
import { createTestDbClient } from '@twofold/db/testing';
import { sessions, members } from '@twofold/db';
import type { App } from '../src/app.js';
import {
  buildTestApp,
  Client,
  currentSessionId,
  GOOD_PASSWORD,
  signUp,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';
import { nextStep } from './helpers/mfa.js';
import { COOKIE, signInWithTotp, totpUser } from './helpers/security.js';

const ctx = useTestApp();

function setCookieHeader(response: { headers: Record<string, unknown> }, name: string): string {
  const raw = response.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : [raw];
  const found = all.find((c): c is string => typeof c === 'string' && c.startsWith(`${name}=`));
  if (!found) throw new Error(`no Set-Cookie for ${name}`);
  return found;
}

async function login(client: Client, email: string, password: string) {
  const response = await client.post('/api/auth/login', { email, password });
  expect(response.statusCode).toBe(200);
  return response;
}

describe('sessions', () => {
  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/, with the absolute lifetime', async () => {
    const { email, password } = await signUp(ctx.app, ctx.db);
    const response = await login(new Client(ctx.app), email, password);
    const cookie = setCookieHeader(response, 'twofold_session');
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Max-Age=43200/);
    expect(cookie).not.toMatch(/Domain=/);
    expect(cookie).not.toMatch(/; Secure/); // development; production is covered in config.test.ts
  });

  it('sets the challenge, pending registration and trusted-device cookies HttpOnly, SameSite=Lax, Path=/ too', async () => {
    const expectLocked = (cookie: string) => {
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).not.toMatch(/Domain=/);
    };

    const registered = await new Client(ctx.app).post('/api/auth/register', {
      email: uniqueEmail('pending-cookie'),
      password: GOOD_PASSWORD,
    });
    expect(registered.statusCode).toBe(201);
    expectLocked(setCookieHeader(registered, COOKIE.pending));

    const { email, password, backupCodes } = await totpUser(ctx.app, ctx.db);
    const browser = new Client(ctx.app);
    const challenged = await browser.post('/api/auth/login', { email, password });
    expect(challenged.json().status).toBe('mfa_required');
    expectLocked(setCookieHeader(challenged, COOKIE.challenge));

    const verified = await browser.post('/api/auth/mfa/verify', {
      method: 'backup_code',
      code: backupCodes[0]!,
      trustDevice: true,
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expectLocked(setCookieHeader(verified, COOKIE.device));
  });

  it('keeps only a hash of the token in the database', async () => {
    const { client, user } = await signUp(ctx.app, ctx.db);
    const rows = await ctx.db.db.select().from(sessions).where(eq(sessions.userId, user.id));
    const cookie = client.cookies.get('twofold_session')!;
    const token = JSON.parse(Buffer.from(cookie.split('.')[1]!, 'base64url').toString())
      .tok as string;
    expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    const claims = JSON.parse(Buffer.from(cookie.split('.')[1]!, 'base64url').toString());
    // The JWT expires with the cookie (12 h).
    expect(claims.exp - claims.iat).toBe(43_200);
    for (const row of rows) {
      expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.tokenHash).not.toContain(token);
    }
  });

  it('rotates the session id at sign-in and revokes the session the browser had', async () => {
    const { client, email, password } = await signUp(ctx.app, ctx.db);
    const before = (await client.get('/api/auth/session')).json().session.id;
    const oldCookie = client.cookies.get('twofold_session')!;
    await login(client, email, password);
    const after = (await client.get('/api/auth/session')).json().session.id;
    expect(after).not.toBe(before);

    const [old] = await ctx.db.db.select().from(sessions).where(eq(sessions.id, before));
    expect(old?.revokedAt).not.toBeNull();
    const replay = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      cookies: { twofold_session: oldCookie },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('rotates the session id at the second factor and revokes the session the browser had', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const { client } = account;
    const before = (await client.get('/api/auth/session')).json().session.id;
    const oldCookie = client.cookies.get('twofold_session')!;

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    // The same browser signs in again, through the password and the authenticator app.
    await signInWithTotp(ctx.app, account, { client });
    const after = await client.get('/api/auth/session');
    expect(after.statusCode).toBe(200);
    expect(after.json().session.id).not.toBe(before);
    expect(after.json().session.aal).toBe(2);

    const replay = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      cookies: { twofold_session: oldCookie },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('logout ends the session on the server, not only in the browser', async () => {
    const { client } = await signUp(ctx.app, ctx.db);
    const cookie = client.cookies.get('twofold_session')!;
    const out = await client.post('/api/auth/logout');
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ status: 'signed_out' });
    expect(client.cookies.has('twofold_session')).toBe(false);
    const replay = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      cookies: { twofold_session: cookie },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('UNAUTHENTICATED');
    // Logging out again is harmless.
    expect((await client.post('/api/auth/logout')).statusCode).toBe(200);
  });

  it('refuses a session past its absolute lifetime even while in use', async () => {
    const { client } = await signUp(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    // Active every 20 minutes, so never idle, for 12 hours.
    for (let t = 20; t < 12 * 60; t += 20) {
      vi.setSystemTime(start + t * 60_000);
      expect((await client.get('/api/auth/session')).statusCode).toBe(200);
    }
    vi.setSystemTime(start + 12 * 3_600_000 + 1_000);
    const expired = await client.get('/api/auth/session');
    expect(expired.statusCode).toBe(401);
  });

  it('refuses a session whose row has expired, though its cookie has not', async () => {
    const { client } = await signUp(ctx.app, ctx.db);
    const id = await currentSessionId(client);
    // The server's row decides, not the cookie's own expiry.
    await ctx.db.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(sessions.id, id));
    const expired = await client.get('/api/auth/session');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('UNAUTHENTICATED');
  });

  it('refuses a session idle for 30 minutes', async () => {
    const { client } = await signUp(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    vi.setSystemTime(start + 29 * 60_000);
    expect((await client.get('/api/auth/session')).statusCode).toBe(200);
    vi.setSystemTime(start + 58 * 60_000);
    expect((await client.get('/api/auth/session')).statusCode).toBe(200);
    vi.setSystemTime(start + 88 * 60_000 + 1_000);
    expect((await client.get('/api/auth/session')).statusCode).toBe(401);
  });

  it('refuses tampered, forged and wrong-kind cookies', async () => {
    const { client } = await signUp(ctx.app, ctx.db);
    const cookie = client.cookies.get('twofold_session')!;
    const [header, payload, signature] = cookie.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ typ: 'session', tok: 'x'.repeat(43) })).toString('base64url')}.${signature}`;
    const otherKey = await buildTestApp(ctx.db);
    const forged = contextOf(otherKey).cookieJar.seal(
      'session',
      JSON.parse(Buffer.from(payload!, 'base64url').toString()).tok,
      600,
    );
    await otherKey.close();
    const wrongKind = contextOf(ctx.app).cookieJar.seal(
      'pending',
      JSON.parse(Buffer.from(payload!, 'base64url').toString()).tok,
      600,
    );
    for (const value of [tampered, forged, wrongKind, 'garbage', '']) {
      const response = await ctx.app.inject({
        method: 'GET',
        url: '/api/auth/session',
        cookies: { twofold_session: value },
      });
      expect(response.statusCode, value).toBe(401);
    }
    // A pending (registration) cookie is not a session either.
    const pending = new Client(ctx.app);
    await pending.post('/api/auth/register', {
      email: `pending.${Date.now()}@example.com`,
      password: 'another good passphrase',
    });
    const asSession = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      cookies: { twofold_session: pending.cookies.get('twofold_pending')! },
    });
    expect(asSession.statusCode).toBe(401);
  });

  it('ends sessions at once when the row is revoked (no cached trust)', async () => {
    const { client, user } = await signUp(ctx.app, ctx.db);
    await ctx.db.db
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(eq(sessions.userId, user.id));
    expect((await client.get('/api/auth/session')).statusCode).toBe(401);
  });

  it('makes the first account of a fresh installation its admin', async () => {
    const freshDb = await createTestDbClient();
    const freshApp = await buildTestApp(freshDb);
    try {
      const first = await signUp(freshApp, freshDb);
      const second = await signUp(freshApp, freshDb);
      expect(first.user.role).toBe('admin');
      expect(second.user.role).toBe('user');
      const roles = await freshDb.db.select({ role: members.role }).from(members);
      expect(roles.filter((r) => r.role === 'admin')).toHaveLength(1);
    } finally {
      await freshApp.close();
      await freshDb.close();
    }
  });
});

describe('session secret rotation', () => {
  const secret = (fill: string) => fill.repeat(40);
  const withSecrets = (...secrets: string[]) =>
    buildTestApp(ctx.db, { env: { SESSION_SECRETS: secrets.join(',') } });
  const sessionWith = (target: App, cookie: string) =>
    target.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: `twofold_session=${cookie}` },
    });

  it('accepts cookies signed with any listed secret, and none signed with another', async () => {
    const before = await withSecrets(secret('a'));
    const rotated = await withSecrets(secret('b'), secret('c'), secret('a'));
    const other = await withSecrets(secret('d'));
    try {
      const { email, password } = await signUp(before, ctx.db);
      const client = new Client(before);
      await login(client, email, password);
      const cookie = client.cookies.get('twofold_session')!;

      // Twice each, so a remembered verification answers the same as a fresh one.
      for (let i = 0; i < 2; i++) {
        expect((await sessionWith(rotated, cookie)).statusCode).toBe(200);
        expect((await sessionWith(other, cookie)).statusCode).toBe(401);
      }
    } finally {
      await Promise.all([before.close(), rotated.close(), other.close()]);
    }
  });
});
