import { describe, expect, it, vi } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { mfaFactors, securityEvents } from '@twofold/db';
import { generateTotp, generateTotpSecret } from '@twofold/mfa-core';
import { Client, signUp, currentSessionId, openStepUpWindow, useTestApp } from './helpers/app.js';
import { contextOf } from '@twofold/fastify/internal';

const ctx = useTestApp();

const MINUTE = 60_000;

async function signIn(email: string, password: string, userAgent = 'lightMyRequest') {
  const client = new Client(ctx.app);
  const response = await client.post(
    '/api/auth/login',
    { email, password },
    { 'user-agent': userAgent },
  );
  expect(response.json().status).toBe('authenticated');
  return client;
}

const revoke = (client: Client, id: string, headers?: Record<string, string>) =>
  client.request({ method: 'DELETE', url: `/api/sessions/${id}`, headers });
const revokeOthers = (client: Client) => client.request({ method: 'DELETE', url: '/api/sessions' });

async function isSignedIn(client: Client) {
  return (await client.get('/api/auth/session')).statusCode === 200;
}

async function eventsOf(userId: string, type: string) {
  return ctx.db.db
    .select()
    .from(securityEvents)
    .where(and(eq(securityEvents.userId, userId), eq(securityEvents.type, type)))
    .orderBy(desc(securityEvents.createdAt));
}

describe('GET /api/sessions', () => {
  it('lists the live sessions with ip and user agent, and marks the current one', async () => {
    const { client: first, email, password } = await signUp(ctx.app, ctx.db);
    const second = await signIn(email, password, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0');
    const ended = await signIn(email, password);
    await ended.post('/api/auth/logout');
    const [firstId, secondId] = [await currentSessionId(first), await currentSessionId(second)];

    const response = await first.get('/api/sessions');
    expect(response.statusCode).toBe(200);
    const listed = response.json().sessions as {
      id: string;
      current: boolean;
      ip: string | null;
      userAgent: string | null;
      aal: number;
      amr: string[];
      createdAt: string;
      lastSeenAt: string;
      expiresAt: string;
    }[];
    expect(listed.map((s) => s.id).sort()).toEqual([firstId, secondId].sort());
    expect(listed.find((s) => s.current)?.id).toBe(firstId);
    expect(listed.filter((s) => s.current)).toHaveLength(1);
    const other = listed.find((s) => s.id === secondId)!;
    expect(other).toMatchObject({
      current: false,
      ip: '127.0.0.1',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      aal: 1,
      amr: ['pwd'],
    });
    expect(Date.parse(other.expiresAt)).toBeGreaterThan(Date.parse(other.createdAt));
    expect(JSON.stringify(response.json())).not.toMatch(/token/i);

    // Seen from the other browser, that one is current.
    const fromSecond = (await second.get('/api/sessions')).json().sessions as typeof listed;
    expect(fromSecond.find((s) => s.current)?.id).toBe(secondId);
  });

  it("never lists another user's sessions, and needs a session", async () => {
    const alice = await signUp(ctx.app, ctx.db);
    const bob = await signUp(ctx.app, ctx.db);
    const listed = (await alice.client.get('/api/sessions')).json().sessions as { id: string }[];
    expect(listed.map((s) => s.id)).toEqual([await currentSessionId(alice.client)]);
    expect(listed.map((s) => s.id)).not.toContain(await currentSessionId(bob.client));

    const anonymous = await new Client(ctx.app).get('/api/sessions');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('UNAUTHENTICATED');
  });
});

describe('DELETE /api/sessions/:id', () => {
  it('ends another session at once and records the event', async () => {
    const { client: mine, email, password, user } = await signUp(ctx.app, ctx.db);
    const other = await signIn(email, password);
    const otherId = await currentSessionId(other);
    await openStepUpWindow(ctx.db, mine);

    const response = await revoke(mine, otherId);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ revoked: 1 });
    expect(response.headers['set-cookie']).toBeUndefined();

    const next = await other.get('/api/auth/session');
    expect(next.statusCode).toBe(401);
    expect(next.json().code).toBe('UNAUTHENTICATED');
    expect(await isSignedIn(mine)).toBe(true);

    const [event] = await eventsOf(user.id, 'session.revoked');
    expect(event?.metadata).toMatchObject({ sessionId: otherId });

    // Already ended: nothing left to revoke.
    const again = await revoke(mine, otherId);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('NOT_FOUND');
  });

  it('ending the current session also clears its cookie', async () => {
    const { client } = await signUp(ctx.app, ctx.db);
    const id = await currentSessionId(client);
    const cookie = client.cookies.get('twofold_session')!;
    await openStepUpWindow(ctx.db, client);

    const response = await revoke(client, id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ revoked: 1 });
    expect(client.cookies.has('twofold_session')).toBe(false);

    const replay = await ctx.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      cookies: { twofold_session: cookie },
    });
    expect(replay.statusCode).toBe(401);
  });

  it("answers 404 for another user's session and leaves it alone", async () => {
    const alice = await signUp(ctx.app, ctx.db);
    const bob = await signUp(ctx.app, ctx.db);
    await openStepUpWindow(ctx.db, alice.client);

    const response = await revoke(alice.client, await currentSessionId(bob.client));
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
    expect(await isSignedIn(bob.client)).toBe(true);

    const unknown = await revoke(alice.client, crypto.randomUUID());
    expect(unknown.statusCode).toBe(404);
    const malformed = await revoke(alice.client, 'not-a-uuid');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('VALIDATION_ERROR');
  });

  it('needs step-up, and leaves the session alone without it', async () => {
    const { client: mine, email, password } = await signUp(ctx.app, ctx.db);
    const other = await signIn(email, password);

    const response = await revoke(mine, await currentSessionId(other));
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('STEP_UP_REQUIRED');
    expect(await isSignedIn(other)).toBe(true);

    const anonymous = await revoke(new Client(ctx.app), await currentSessionId(other));
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses a reauthentication older than 15 minutes', async () => {
    const { client: mine, email, password } = await signUp(ctx.app, ctx.db);
    const recent = await signIn(email, password);
    const stale = await signIn(email, password);
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    await openStepUpWindow(ctx.db, mine, new Date(start));

    vi.setSystemTime(start + 14 * MINUTE);
    expect((await revoke(mine, await currentSessionId(recent))).statusCode).toBe(200);

    vi.setSystemTime(start + 16 * MINUTE);
    const response = await revoke(mine, await currentSessionId(stale));
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('STEP_UP_REQUIRED');
    expect(await isSignedIn(stale)).toBe(true);
  });

  it('accepts a current authenticator code in X-TOTP-Code instead of a reauthentication', async () => {
    const { client: mine, email, password, user } = await signUp(ctx.app, ctx.db);
    const other = await signIn(email, password);
    const secret = generateTotpSecret();
    const sealed = contextOf(ctx.app).secretBox.seal(secret);
    await ctx.db.db.insert(mfaFactors).values({
      userId: user.id,
      type: 'totp',
      status: 'active',
      secretCiphertext: sealed.ciphertext,
      secretKeyId: sealed.keyId,
      // Set up on an earlier visit: an app added in this session would need the password too.
      createdAt: new Date(Date.now() - 3_600_000),
      confirmedAt: new Date(Date.now() - 3_600_000),
    });

    const now = Date.now();
    const code = generateTotp({ secret, now });
    // A code that is valid in no step of the drift window.
    const valid = new Set([-30_000, 0, 30_000].map((d) => generateTotp({ secret, now: now + d })));
    let wrongCode = 0;
    while (valid.has(String(wrongCode).padStart(6, '0'))) wrongCode += 1;
    const wrong = await revoke(mine, await currentSessionId(other), {
      'x-totp-code': String(wrongCode).padStart(6, '0'),
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('INVALID_CODE');
    expect(await isSignedIn(other)).toBe(true);

    const response = await revoke(mine, await currentSessionId(other), { 'x-totp-code': code });
    expect(response.statusCode).toBe(200);
    expect(await isSignedIn(other)).toBe(false);
  });
});

describe('DELETE /api/sessions', () => {
  it('ends every other session and keeps the current one', async () => {
    const { client: mine, email, password, user } = await signUp(ctx.app, ctx.db);
    const others = [await signIn(email, password), await signIn(email, password)];
    const bystander = await signUp(ctx.app, ctx.db);
    await openStepUpWindow(ctx.db, mine);

    const response = await revokeOthers(mine);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ revoked: 2 });
    expect(response.headers['set-cookie']).toBeUndefined();
    for (const other of others) expect(await isSignedIn(other)).toBe(false);
    expect(await isSignedIn(mine)).toBe(true);
    expect(await isSignedIn(bystander.client)).toBe(true);

    const listed = (await mine.get('/api/sessions')).json().sessions as { current: boolean }[];
    expect(listed).toEqual([expect.objectContaining({ current: true })]);
    const [event] = await eventsOf(user.id, 'session.revoked');
    expect(event?.metadata).toMatchObject({ count: 2 });

    expect((await revokeOthers(mine)).json()).toEqual({ revoked: 0 });
  });

  it('needs step-up', async () => {
    const { client: mine, email, password } = await signUp(ctx.app, ctx.db);
    const other = await signIn(email, password);
    const response = await revokeOthers(mine);
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('STEP_UP_REQUIRED');
    expect(await isSignedIn(other)).toBe(true);
  });
});
