import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { mfaFactors, mfaPolicy } from '@twofold/db';
import { generateTotp } from '@twofold/mfa-core';
import { FIRST_FACTOR_GRACE_MS } from '@twofold/fastify/internal';
import type { Client } from './helpers/app.js';
import { signUp, uniqueEmail, useTestApp } from './helpers/app.js';
import { enrollTotp, nextStep, stepUp } from './helpers/mfa.js';
import {
  emailFactorUser,
  mailedCode,
  mailsTo,
  passwordStep,
  signInWithTotp,
  totpAt,
} from './helpers/security.js';

/**
 * Security rule: adding a factor is a step-up action (a re-authentication newer than 15
 * minutes, or X-TOTP-Code of an authenticator app that is already active), checked at the start
 * and at the confirmation. The one exception: a session whose password was proved less than 10
 * minutes ago may add the account's first factor. Otherwise a stolen session cookie could enroll
 * an authenticator of its own and then pass step-up with its codes.
 */

const ctx = useTestApp();

const PAST_GRACE = FIRST_FACTOR_GRACE_MS + 1_000;
const ENROLL_ROUTES = [
  { url: '/api/mfa/totp', body: {} },
  { url: '/api/mfa/totp/confirm', body: { code: '123456' } },
  { url: '/api/mfa/email', body: {} },
  { url: '/api/mfa/email/confirm', body: { code: '123456' } },
] as const;

async function factorsOf(userId: string) {
  return ctx.db.db
    .select({ type: mfaFactors.type, status: mfaFactors.status })
    .from(mfaFactors)
    .where(eq(mfaFactors.userId, userId));
}

/** Every enrollment route, with and without a made-up X-TOTP-Code: all refused STEP_UP_REQUIRED. */
async function expectEnrollmentRefused(client: Client) {
  for (const { url, body } of ENROLL_ROUTES) {
    for (const headers of [undefined, { 'x-totp-code': '123456' }]) {
      const response = await client.post(url, body, headers);
      const label = `${url} ${headers ? 'with' : 'without'} X-TOTP-Code -> ${response.body}`;
      expect(response.statusCode, label).toBe(403);
      expect(response.json().code, label).toBe('STEP_UP_REQUIRED');
    }
  }
}

describe('adding a factor from a session older than the first-factor grace', () => {
  it('is refused to an account without MFA, so a stolen cookie cannot make its own step-up', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const owner = await signUp(ctx.app, ctx.db);
    const mailsBefore = (await mailsTo(ctx.db, owner.email)).length;
    // The attacker holds the session cookie, minutes after the owner signed in.
    vi.setSystemTime(Date.now() + PAST_GRACE);

    await expectEnrollmentRefused(owner.client);
    expect(await factorsOf(owner.user.id)).toEqual([]);
    expect(await mailsTo(ctx.db, owner.email)).toHaveLength(mailsBefore);

    // Without a factor of their own, the attacker cannot pass step-up for the takeover.
    const moved = uniqueEmail('attacker');
    for (const [url, body] of [
      ['/api/account/email', { email: moved }],
      [
        '/api/account/password',
        { currentPassword: owner.password, newPassword: 'the attacker passphrase' },
      ],
    ] as const) {
      const response = await owner.client.post(url, body, { 'x-totp-code': '123456' });
      expect(response.statusCode, `${url} -> ${response.body}`).toBe(403);
      expect(response.json().code).toBe('STEP_UP_REQUIRED');
    }
    expect(await mailsTo(ctx.db, moved)).toHaveLength(0);

    // The owner, re-authenticating with the password, sets MFA up as before.
    await stepUp(owner.client, owner.password);
    const { secret } = await enrollTotp(owner.client);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await factorsOf(owner.user.id)).toEqual([{ type: 'totp', status: 'active' }]);
  });

  it('is refused to an account whose only factor is email codes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const owner = await emailFactorUser(ctx.app, ctx.db);
    vi.setSystemTime(Date.now() + PAST_GRACE);

    await expectEnrollmentRefused(owner.client);
    expect(await factorsOf(owner.user.id)).toEqual([{ type: 'email', status: 'active' }]);
    const moved = uniqueEmail('attacker');
    const takeover = await owner.client.post(
      '/api/account/email',
      { email: moved },
      { 'x-totp-code': '123456' },
    );
    expect(takeover.statusCode).toBe(403);
    expect(takeover.json().code).toBe('STEP_UP_REQUIRED');
    expect(await mailsTo(ctx.db, moved)).toHaveLength(0);
  });

  it('is checked at the confirmation too: a start inside the grace does not carry past it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const owner = await signUp(ctx.app, ctx.db);
    const signedUpAt = Date.now();
    vi.setSystemTime(signedUpAt + 5 * 60_000);
    const started = await owner.client.post('/api/mfa/totp', {});
    expect(started.statusCode, started.body).toBe(201);
    const { secret } = started.json() as { secret: string };

    vi.setSystemTime(signedUpAt + PAST_GRACE);
    const refused = await owner.client.post('/api/mfa/totp/confirm', { code: totpAt(secret) });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().code).toBe('STEP_UP_REQUIRED');
    expect(await factorsOf(owner.user.id)).toEqual([{ type: 'totp', status: 'pending' }]);

    await stepUp(owner.client, owner.password);
    const confirmed = await owner.client.post('/api/mfa/totp/confirm', { code: totpAt(secret) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
  });
});

describe('the first factor, right after the password', () => {
  it('is one step after sign-up, and after a sign-in, up to the end of the grace', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const fresh = await signUp(ctx.app, ctx.db);
    await enrollTotp(fresh.client);

    const later = await signUp(ctx.app, ctx.db);
    const { client } = await passwordStep(ctx.app, later.email, later.password);
    vi.setSystemTime(Date.now() + FIRST_FACTOR_GRACE_MS - 1_000);
    const { code } = await mailedCode(ctx.db, later.email, async () => {
      const started = await client.post('/api/mfa/email', {});
      expect(started.statusCode, started.body).toBe(201);
    });
    const confirmed = await client.post('/api/mfa/email/confirm', { code });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().backupCodes).toHaveLength(10);
  });

  it('is one step for the enroll-only session of forced setup; past the grace it re-authenticates', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const account = await signUp(ctx.app, ctx.db);
    await ctx.db.db.insert(mfaPolicy).values({
      role: account.user.role,
      required: true,
      graceDays: 0,
      requiredSince: new Date(0),
    });
    try {
      const quick = (await passwordStep(ctx.app, account.email, account.password)).client;
      const slow = (await passwordStep(ctx.app, account.email, account.password)).client;
      for (const c of [quick, slow]) {
        expect((await c.get('/api/auth/session')).json().session.scope).toBe('enroll_only');
      }

      vi.setSystemTime(Date.now() + PAST_GRACE);
      await expectEnrollmentRefused(slow);
      // An enroll-only session may re-authenticate; nothing but enrollment opens with it.
      await stepUp(slow, account.password);
      for (const request of [
        { method: 'DELETE', url: '/api/sessions' },
        { method: 'POST', url: '/api/mfa/backup-codes', body: {} },
        { method: 'POST', url: '/api/account/email', body: { email: uniqueEmail() } },
      ] as const) {
        const response = await slow.request(request);
        expect(response.statusCode, `${request.url} -> ${response.body}`).toBe(403);
        expect(response.json().code).toBe('MFA_SETUP_REQUIRED');
      }
      const { secret } = await enrollTotp(slow);
      expect((await slow.get('/api/auth/session')).json().session.scope).toBe('full');
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      // Enabling MFA ended the other enroll-only session.
      expect((await quick.get('/api/auth/session')).statusCode).toBe(401);
    } finally {
      await ctx.db.db.delete(mfaPolicy);
    }
  });
});

describe('a second factor', () => {
  it('needs step-up even in a fresh session, with re-authentication or the active app', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const owner = await signUp(ctx.app, ctx.db);
    const { secret } = await enrollTotp(owner.client);

    // Just enrolled, and a brand-new two-step sign-in: both still need step-up.
    vi.setSystemTime(nextStep());
    const signedIn = await signInWithTotp(ctx.app, { ...owner, secret });
    for (const client of [owner.client, signedIn]) {
      const response = await client.post('/api/mfa/email', {});
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().code).toBe('STEP_UP_REQUIRED');
    }
    expect(await factorsOf(owner.user.id)).toEqual([{ type: 'totp', status: 'active' }]);

    // X-TOTP-Code of the active app opens each request it is sent with.
    vi.setSystemTime(nextStep());
    const { code } = await mailedCode(ctx.db, owner.email, async () => {
      const started = await signedIn.post('/api/mfa/email', {}, { 'x-totp-code': totpAt(secret) });
      expect(started.statusCode, started.body).toBe(201);
    });
    const withoutHeader = await signedIn.post('/api/mfa/email/confirm', { code });
    expect(withoutHeader.json().code).toBe('STEP_UP_REQUIRED');
    vi.setSystemTime(nextStep());
    const confirmed = await signedIn.post(
      '/api/mfa/email/confirm',
      { code },
      { 'x-totp-code': generateTotp({ secret, now: Date.now() }) },
    );
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).not.toHaveProperty('backupCodes');
    expect((await factorsOf(owner.user.id)).map((f) => f.type).sort()).toEqual(['email', 'totp']);
  });

  it('is added after POST /api/auth/reauthenticate', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const owner = await emailFactorUser(ctx.app, ctx.db);
    const refused = await owner.client.post('/api/mfa/totp', {});
    expect(refused.json().code).toBe('STEP_UP_REQUIRED');

    vi.setSystemTime(Date.now() + 1_000);
    const { code } = await mailedCode(ctx.db, owner.email, () =>
      owner.client.post('/api/auth/reauthenticate/email', {}),
    );
    const reauthenticated = await owner.client.post('/api/auth/reauthenticate', {
      password: owner.password,
      method: 'email',
      code,
    });
    expect(reauthenticated.statusCode, reauthenticated.body).toBe(200);
    await enrollTotp(owner.client);
    expect((await factorsOf(owner.user.id)).map((f) => f.type).sort()).toEqual(['email', 'totp']);
  });
});

describe('an authenticator app added in the session itself', () => {
  it('does not count for step-up by X-TOTP-Code in that session: a stolen fresh cookie gains nothing', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // A cookie taken minutes after sign-in: its holder may add the first factor (the grace)...
    const owner = await signUp(ctx.app, ctx.db);
    const { secret } = await enrollTotp(owner.client);
    const moved = uniqueEmail('mallory');

    // ...but that app's codes do not open step-up in this session: no email or password change.
    vi.setSystemTime(nextStep());
    const guarded = [
      { url: '/api/account/email', body: { email: moved } },
      {
        url: '/api/account/password',
        body: { currentPassword: owner.password, newPassword: 'a brand new passphrase' },
      },
      { url: '/api/mfa/backup-codes', body: {} },
    ];
    for (const { url, body } of guarded) {
      const response = await owner.client.post(url, body, { 'x-totp-code': totpAt(secret) });
      expect(response.statusCode, `${url} -> ${response.body}`).toBe(403);
      expect(response.json()).toMatchObject({
        code: 'STEP_UP_REQUIRED',
        message: expect.stringMatching(/added in this session/),
      });
    }
    expect(await mailsTo(ctx.db, moved)).toHaveLength(0);

    // With the password as well (re-authentication) the session may go on.
    vi.setSystemTime(nextStep());
    await stepUp(owner.client, owner.password, secret);
    const requested = await owner.client.post('/api/account/email', { email: moved });
    expect(requested.statusCode, requested.body).toBe(200);

    // A later sign-in began after the app was set up: there its codes count on their own.
    vi.setSystemTime(nextStep());
    const later = await signInWithTotp(ctx.app, { ...owner, secret });
    vi.setSystemTime(nextStep());
    const regenerated = await later.post(
      '/api/mfa/backup-codes',
      {},
      { 'x-totp-code': totpAt(secret) },
    );
    expect(regenerated.statusCode, regenerated.body).toBe(201);
  });
});
