import { describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import {
  backupCodes as backupCodesTable,
  devOutbox,
  mfaFactors,
  mfaPolicy,
  securityEvents,
  trustedDevices,
} from '@twofold/db';
import { generateTotp } from '@twofold/mfa-core';
import { Client, latestCode, latestMail, signUp, useTestApp } from './helpers/app.js';
import { enrollTotp, nextStep, stepUp } from './helpers/mfa.js';
import { setUpInEarlierSession } from './helpers/security.js';

const ctx = useTestApp();

const totp = (secret: string) => generateTotp({ secret, now: Date.now() });

async function passwordStep(email: string, password: string, client = new Client(ctx.app)) {
  const response = await client.post('/api/auth/login', { email, password });
  expect(response.statusCode, response.body).toBe(200);
  return { client, body: response.json() };
}

describe('TOTP enrollment', () => {
  it('reuses the pending secret, refuses a wrong code with a clock hint, then turns MFA on with 10 backup codes', async () => {
    const { client, email, password, user } = await signUp(ctx.app, ctx.db);
    const other = (await passwordStep(email, password)).client;

    const first = (await client.post('/api/mfa/totp', {})).json();
    const again = (await client.post('/api/mfa/totp', {})).json();
    expect(again.secret).toBe(first.secret);
    expect(again.factorId).toBe(first.factorId);
    expect(first.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(first.qrCode).toMatch(/^data:image\/png;base64,/);
    const uri = new URL(first.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('issuer')).toBe('Twofold');

    const wrong = await client.post('/api/mfa/totp/confirm', { code: '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('INVALID_CODE');
    expect(wrong.json().message).toMatch(/clock/);

    const confirmed = await client.post('/api/mfa/totp/confirm', { code: totp(first.secret) });
    expect(confirmed.statusCode).toBe(200);
    const { factor, backupCodes } = confirmed.json();
    expect(factor).toMatchObject({ type: 'totp', status: 'active' });
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);

    const session = (await client.get('/api/auth/session')).json();
    expect(session.user.mfaEnabled).toBe(true);
    expect(session.session).toMatchObject({ aal: 2, amr: ['pwd', 'otp'] });
    // Enabling MFA ends the user's other sessions.
    expect((await other.get('/api/auth/session')).statusCode).toBe(401);
    expect((await latestMail(ctx.db, email))?.subject).toBe('Two-factor authentication is on');
    const status = (await client.get('/api/mfa')).json();
    expect(status).toMatchObject({ enabled: true, backupCodesRemaining: 10 });
    // Adding a factor to an account with MFA needs step-up; past it, a second app is refused.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(client, password, first.secret);
    expect((await client.post('/api/mfa/totp', {})).json().code).toBe('FACTOR_ALREADY_ACTIVE');
    const events = await ctx.db.db
      .select()
      .from(securityEvents)
      .where(eq(securityEvents.userId, user.id));
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['mfa.enabled', 'mfa.factor_added']),
    );
  });
});

describe('TOTP enrollment, a code whose step is spent', () => {
  it('is refused as already used, and nothing is turned on', async () => {
    const { client, user } = await signUp(ctx.app, ctx.db);
    const { secret, factorId } = (await client.post('/api/mfa/totp', {})).json();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    // The current step was already claimed (a confirmation racing this one got there first).
    await ctx.db.db
      .update(mfaFactors)
      .set({ lastUsedStep: Math.floor(Date.now() / 30_000) + 1 })
      .where(eq(mfaFactors.id, factorId));

    const response = await client.post('/api/mfa/totp/confirm', { code: totp(secret) });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('CODE_ALREADY_USED');
    const [factor] = await ctx.db.db.select().from(mfaFactors).where(eq(mfaFactors.id, factorId));
    expect(factor?.status).toBe('pending');
    expect(
      await ctx.db.db.select().from(backupCodesTable).where(eq(backupCodesTable.userId, user.id)),
    ).toEqual([]);
    expect((await client.get('/api/auth/session')).json()).toMatchObject({
      user: { mfaEnabled: false },
      session: { aal: 1, amr: ['pwd'] },
    });
  });
});

describe('two-step sign-in', () => {
  it('asks for the second factor, and the challenge cookie opens nothing but the second step', async () => {
    const { client: enrolled, email, password } = await signUp(ctx.app, ctx.db);
    const { secret } = await enrollTotp(enrolled);

    const { client, body } = await passwordStep(email, password);
    expect(body).toMatchObject({ status: 'mfa_required', methods: ['totp', 'backup_code'] });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    expect(client.cookies.has('twofold_challenge')).toBe(true);
    expect(client.cookies.has('twofold_session')).toBe(false);
    for (const url of ['/api/auth/session', '/api/mfa', '/api/mfa/trusted-devices']) {
      expect((await client.get(url)).statusCode, url).toBe(401);
    }

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const verified = await client.post('/api/auth/mfa/verify', {
      method: 'totp',
      code: totp(secret),
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().status).toBe('authenticated');
    expect(client.cookies.has('twofold_challenge')).toBe(false);
    const session = (await client.get('/api/auth/session')).json().session;
    expect(session).toMatchObject({ aal: 2, amr: ['pwd', 'otp'] });
  });

  it('accepts each backup code once and mails how many are left', async () => {
    const { client: enrolled, email, password } = await signUp(ctx.app, ctx.db);
    const { backupCodes } = await enrollTotp(enrolled);
    const code = backupCodes[0]!;

    const first = (await passwordStep(email, password)).client;
    const ok = await first.post('/api/auth/mfa/verify', {
      method: 'backup_code',
      code: code.toUpperCase().replace('-', ' '),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await first.get('/api/auth/session')).json().session.amr).toEqual([
      'pwd',
      'backup_code',
    ]);
    expect((await latestMail(ctx.db, email))?.text).toMatch(/9 unused codes remain/);

    const second = (await passwordStep(email, password)).client;
    const reused = await second.post('/api/auth/mfa/verify', { method: 'backup_code', code });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().code).toBe('INVALID_CODE');
    expect((await enrolled.get('/api/mfa')).json().backupCodesRemaining).toBe(9);
  });

  it('refuses a TOTP code used a second time, logs it and tells the user', async () => {
    const { client: enrolled, email, password, user } = await signUp(ctx.app, ctx.db);
    const { secret } = await enrollTotp(enrolled);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const code = totp(secret);
    const a = (await passwordStep(email, password)).client;
    expect((await a.post('/api/auth/mfa/verify', { method: 'totp', code })).statusCode).toBe(200);
    const b = (await passwordStep(email, password)).client;
    const replay = await b.post('/api/auth/mfa/verify', { method: 'totp', code });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().code).toBe('CODE_ALREADY_USED');
    const events = await ctx.db.db
      .select()
      .from(securityEvents)
      .where(and(eq(securityEvents.userId, user.id), eq(securityEvents.type, 'mfa.totp_replay')));
    expect(events).toHaveLength(1);
    expect((await latestMail(ctx.db, email))?.subject).toBe('An authenticator code was used twice');
  });

  it('lets a trusted browser skip the second step, until it is revoked', async () => {
    const { client: enrolled, email, password } = await signUp(ctx.app, ctx.db);
    const { secret } = await enrollTotp(enrolled);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const browser = (await passwordStep(email, password)).client;
    const verified = await browser.post('/api/auth/mfa/verify', {
      method: 'totp',
      code: totp(secret),
      trustDevice: true,
    });
    expect(verified.statusCode).toBe(200);
    expect(browser.cookies.has('twofold_device')).toBe(true);
    expect((await latestMail(ctx.db, email))?.subject).toBe('A new browser was trusted');

    await browser.post('/api/auth/logout');
    const again = await passwordStep(email, password, browser);
    expect(again.body.status).toBe('authenticated');
    expect((await browser.get('/api/auth/session')).json().session).toMatchObject({
      aal: 2,
      amr: ['pwd', 'device'],
    });

    const devices = (await browser.get('/api/mfa/trusted-devices')).json().devices;
    expect(devices).toHaveLength(1);
    expect(devices[0].current).toBe(true);
    expect(
      (
        await browser.request({
          method: 'DELETE',
          url: `/api/mfa/trusted-devices/${devices[0].id}`,
        })
      ).statusCode,
    ).toBe(200);
    await browser.post('/api/auth/logout');
    expect((await passwordStep(email, password, browser)).body.status).toBe('mfa_required');
  });

  it('never lets a password reset bypass the second factor', async () => {
    const { client: enrolled, email } = await signUp(ctx.app, ctx.db);
    await enrollTotp(enrolled);
    await new Client(ctx.app).post('/api/auth/password/forgot', { email });
    const reset = await new Client(ctx.app).post('/api/auth/password/reset', {
      email,
      code: await latestCode(ctx.db, email),
      password: 'a new passphrase here',
    });
    expect(reset.statusCode).toBe(200);
    const { body } = await passwordStep(email, 'a new passphrase here');
    expect(body.status).toBe('mfa_required');
  });
});

describe('email codes as a factor', () => {
  it('enrolls with an emailed code and signs in with one bound to the challenge', async () => {
    const { client, email, password } = await signUp(ctx.app, ctx.db);
    const started = await client.post('/api/mfa/email', {});
    expect(started.statusCode, started.body).toBe(201);
    const confirmed = await client.post('/api/mfa/email/confirm', {
      code: await latestCode(ctx.db, email),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().backupCodes).toHaveLength(10);
    expect((await client.get('/api/auth/session')).json().session).toMatchObject({
      aal: 2,
      amr: ['pwd', 'email'],
    });

    const { client: signingIn, body } = await passwordStep(email, password);
    expect(body.methods).toEqual(['email', 'backup_code']);
    const sent = await signingIn.post('/api/auth/mfa/email', {});
    expect(sent.statusCode, sent.body).toBe(200);
    expect((await signingIn.post('/api/auth/mfa/email', {})).json().code).toBe('RESEND_TOO_SOON');
    const code = await latestCode(ctx.db, email);

    // The same code through another challenge is refused: codes are bound to their attempt.
    const { client: other } = await passwordStep(email, password);
    const crossed = await other.post('/api/auth/mfa/verify', { method: 'email', code });
    expect(crossed.statusCode).toBe(400);

    const ok = await signingIn.post('/api/auth/mfa/verify', { method: 'email', code });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await signingIn.get('/api/auth/session')).json().session.amr).toEqual(['pwd', 'email']);
  });

  it('sends sign-in and step-up codes only where email codes are enrolled, each valid 10 minutes and recorded', async () => {
    // An account with an authenticator app only: neither route sends anything.
    const app = await signUp(ctx.app, ctx.db);
    await enrollTotp(app.client);
    const mailBefore = await latestMail(ctx.db, app.email);
    const { client: appSignIn } = await passwordStep(app.email, app.password);
    for (const [client, path] of [
      [appSignIn, '/api/auth/mfa/email'],
      [app.client, '/api/auth/reauthenticate/email'],
    ] as const) {
      const refused = await client.post(path, {});
      expect(refused.statusCode, path).toBe(404);
      expect(refused.json()).toMatchObject({
        code: 'FACTOR_NOT_FOUND',
        message: 'Email codes are not set up for this account.',
      });
    }
    expect((await latestMail(ctx.db, app.email))?.id).toBe(mailBefore?.id);

    const { client, email, password, user } = await signUp(ctx.app, ctx.db);
    await client.post('/api/mfa/email', {});
    await client.post('/api/mfa/email/confirm', { code: await latestCode(ctx.db, email) });
    const { client: signingIn } = await passwordStep(email, password);
    for (const [sender, path, subject] of [
      [signingIn, '/api/auth/mfa/email', 'Your Twofold sign-in code'],
      [client, '/api/auth/reauthenticate/email', 'Your Twofold confirmation code'],
    ] as const) {
      const sentAt = Date.now();
      const sent = await sender.post(path, {});
      expect(sent.statusCode, sent.body).toBe(200);
      const { status, expiresAt, resendAvailableAt } = sent.json();
      expect(status).toBe('sent');
      expect(Date.parse(expiresAt) - sentAt).toBeGreaterThanOrEqual(10 * 60_000 - 1_000);
      expect(Date.parse(expiresAt) - sentAt).toBeLessThanOrEqual(10 * 60_000 + 1_000);
      expect(Date.parse(resendAvailableAt) - sentAt).toBeLessThanOrEqual(61_000);
      expect((await latestMail(ctx.db, email))?.subject).toBe(subject);
    }
    const sends = await ctx.db.db
      .select({ metadata: securityEvents.metadata })
      .from(securityEvents)
      .where(
        and(eq(securityEvents.userId, user.id), eq(securityEvents.type, 'mfa.email_code_sent')),
      );
    expect(sends.map((event) => event.metadata)).toEqual(
      expect.arrayContaining([{ purpose: 'login' }, { purpose: 'step_up' }]),
    );
    expect(sends).toHaveLength(2);
  });

  it('refuses wrong enrollment codes with the tries left, then voids the code; the factor stays pending', async () => {
    const { client, email, user } = await signUp(ctx.app, ctx.db);
    expect((await client.post('/api/mfa/email', {})).statusCode).toBe(201);
    const code = await latestCode(ctx.db, email);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

    for (const left of [4, 3, 2, 1]) {
      const response = await client.post('/api/mfa/email/confirm', { code: wrong });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'INVALID_CODE', attemptsLeft: left });
    }
    const last = await client.post('/api/mfa/email/confirm', { code: wrong });
    expect(last.statusCode).toBe(429);
    expect(last.json().code).toBe('TOO_MANY_ATTEMPTS');
    const late = await client.post('/api/mfa/email/confirm', { code });
    expect(late.statusCode).toBe(400);
    expect(late.json().code).toBe('CODE_EXPIRED');

    const factors = await ctx.db.db.select().from(mfaFactors).where(eq(mfaFactors.userId, user.id));
    expect(factors.map((f) => [f.type, f.status])).toEqual([['email', 'pending']]);
    expect((await client.get('/api/auth/session')).json()).toMatchObject({
      user: { mfaEnabled: false },
      session: { aal: 1 },
    });
  });

  it('accepts the enrollment code for 10 minutes and not after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    for (const [offset, expected] of [
      [10 * 60_000 - 1_000, 200],
      [10 * 60_000 + 1_000, 404],
    ] as const) {
      const { client, email, password } = await signUp(ctx.app, ctx.db);
      // The clock stands still: move on so the enrollment mail is the newest one.
      vi.setSystemTime(Date.now() + 1_000);
      const t0 = Date.now();
      const started = await client.post('/api/mfa/email', {});
      expect(started.statusCode).toBe(201);
      expect(Date.parse(started.json().expiresAt)).toBe(t0 + 10 * 60_000);
      const code = await latestCode(ctx.db, email);
      vi.setSystemTime(t0 + offset);
      // The session is now 10 minutes old, past the first factor's grace: re-authenticate.
      await stepUp(client, password);
      const confirmed = await client.post('/api/mfa/email/confirm', { code });
      expect(confirmed.statusCode, confirmed.body).toBe(expected);
      // The code and the pending factor it confirms expire together: set up again.
      if (expected === 404) {
        expect(confirmed.json().code).toBe('FACTOR_NOT_FOUND');
        expect(confirmed.json().message).toMatch(/expired/);
      }
    }
  });

  it('as a second factor: no new backup codes, the old ones kept, "added" mail and no second mfa.enabled', async () => {
    const { client, email, password, user } = await signUp(ctx.app, ctx.db);
    const { secret } = await enrollTotp(client);
    const codesBefore = await ctx.db.db
      .select()
      .from(backupCodesTable)
      .where(eq(backupCodesTable.userId, user.id));
    expect(codesBefore).toHaveLength(10);

    // A second factor needs step-up, with the app (in a fresh time step).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(client, password, secret);
    await client.post('/api/mfa/email', {});
    const code = await latestCode(ctx.db, email);
    // The clock stands still: move on so the "added" mail is the newest one.
    vi.setSystemTime(Date.now() + 1_000);
    const confirmed = await client.post('/api/mfa/email/confirm', { code });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().factor).toMatchObject({ type: 'email', status: 'active' });
    expect(confirmed.json()).not.toHaveProperty('backupCodes');
    expect(
      await ctx.db.db.select().from(backupCodesTable).where(eq(backupCodesTable.userId, user.id)),
    ).toEqual(codesBefore);
    expect((await latestMail(ctx.db, email))?.subject).toBe('A second factor was added');
    expect((await client.get('/api/auth/session')).json().session.amr).toEqual(['pwd', 'email']);

    const events = await ctx.db.db
      .select({ type: securityEvents.type })
      .from(securityEvents)
      .where(eq(securityEvents.userId, user.id));
    const count = (type: string) => events.filter((event) => event.type === type).length;
    expect(count('mfa.enabled')).toBe(1);
    expect(count('mfa.factor_added')).toBe(2);

    // Set up already: starting or confirming again is refused.
    for (const url of ['/api/mfa/email', '/api/mfa/email/confirm']) {
      const again = await client.post(url, url.endsWith('confirm') ? { code: '123456' } : {});
      expect(again.statusCode, url).toBe(409);
      expect(again.json().code).toBe('FACTOR_ALREADY_ACTIVE');
    }
  });
});

describe('step-up', () => {
  it('guards backup-code regeneration, and re-authentication or X-TOTP-Code opens it', async () => {
    const { client, password } = await signUp(ctx.app, ctx.db);
    const { secret, backupCodes, factorId } = await enrollTotp(client);
    // As if set up on an earlier visit: X-TOTP-Code counts only for an app older than the session.
    await setUpInEarlierSession(ctx.db, factorId, client);
    const refused = await client.post('/api/mfa/backup-codes', {});
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('STEP_UP_REQUIRED');

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const viaHeader = await client.post(
      '/api/mfa/backup-codes',
      {},
      { 'x-totp-code': totp(secret) },
    );
    expect(viaHeader.statusCode, viaHeader.body).toBe(201);
    expect(viaHeader.json().backupCodes).toHaveLength(10);
    expect(viaHeader.json().backupCodes).not.toContain(backupCodes[0]);

    vi.setSystemTime(nextStep());
    await stepUp(client, password, secret);
    const viaSession = await client.post('/api/mfa/backup-codes', {});
    expect(viaSession.statusCode).toBe(201);
    // The window lasts 15 minutes.
    vi.setSystemTime(Date.now() + 16 * 60_000);
    expect((await client.post('/api/mfa/backup-codes', {})).json().code).toBe('STEP_UP_REQUIRED');
  });

  it('turns MFA off only with step-up and a current code, and forgets trusted browsers', async () => {
    const { client, email, password, user } = await signUp(ctx.app, ctx.db);
    const { secret, backupCodes } = await enrollTotp(client);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const browser = (await passwordStep(email, password)).client;
    await browser.post('/api/auth/mfa/verify', {
      method: 'totp',
      code: totp(secret),
      trustDevice: true,
    });
    expect(browser.cookies.has('twofold_device')).toBe(true);

    expect(
      (
        await client.post('/api/mfa/disable', { method: 'backup_code', code: backupCodes[1]! })
      ).json().code,
    ).toBe('STEP_UP_REQUIRED');
    vi.setSystemTime(nextStep());
    await stepUp(client, password, secret);
    const wrong = await client.post('/api/mfa/disable', {
      method: 'backup_code',
      code: 'aaaaa-aaaaa',
    });
    expect(wrong.json().code).toBe('INVALID_CODE');
    const off = await client.post('/api/mfa/disable', {
      method: 'backup_code',
      code: backupCodes[1]!,
    });
    expect(off.statusCode, off.body).toBe(200);
    expect((await client.get('/api/mfa')).json()).toMatchObject({
      enabled: false,
      factors: [],
      backupCodesRemaining: 0,
    });
    const devices = await ctx.db.db
      .select()
      .from(trustedDevices)
      .where(eq(trustedDevices.userId, user.id));
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((device) => device.revokedAt !== null)).toBe(true);
    const subjects = (await ctx.db.db.select().from(devOutbox).where(eq(devOutbox.to, email))).map(
      (m) => m.subject,
    );
    expect(subjects).toContain('Two-factor authentication is off');
    expect((await passwordStep(email, password)).body.status).toBe('authenticated');
  });

  it('keeps MFA on while the role requires it, and removes a second factor without turning MFA off', async () => {
    const { client, email, password, user } = await signUp(ctx.app, ctx.db);
    const { secret, backupCodes } = await enrollTotp(client);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(client, password, secret);
    await client.post('/api/mfa/email', {});
    await client.post('/api/mfa/email/confirm', { code: await latestCode(ctx.db, email) });
    const [totpFactor, emailFactor] = (await client.get('/api/mfa')).json().factors;
    expect([totpFactor.type, emailFactor.type]).toEqual(['totp', 'email']);

    // The clock stands still: move on so the "removed" mail is the newest one.
    vi.setSystemTime(Date.now() + 1_000);
    const removed = await client.request({
      method: 'DELETE',
      url: `/api/mfa/factors/${emailFactor.id}`,
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await client.get('/api/mfa')).json()).toMatchObject({
      enabled: true,
      backupCodesRemaining: 10,
    });
    expect((await latestMail(ctx.db, email))?.subject).toBe('A second factor was removed');

    await ctx.db.db
      .insert(mfaPolicy)
      .values({
        role: user.role as 'user' | 'admin',
        required: true,
        graceDays: 7,
        requiredSince: new Date(),
      })
      .onConflictDoUpdate({
        target: mfaPolicy.role,
        set: { required: true, requiredSince: new Date() },
      });
    try {
      const last = await client.request({
        method: 'DELETE',
        url: `/api/mfa/factors/${totpFactor.id}`,
      });
      expect(last.statusCode).toBe(403);
      expect(last.json().code).toBe('FORBIDDEN');
      // Nor can it be turned off, even with step-up and a right code.
      const off = await client.post('/api/mfa/disable', {
        method: 'backup_code',
        code: backupCodes[0]!,
      });
      expect(off.statusCode, off.body).toBe(403);
      expect(off.json()).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/cannot be turned off/),
      });
      expect((await client.get('/api/mfa')).json().enabled).toBe(true);
    } finally {
      await ctx.db.db.update(mfaPolicy).set({ required: false });
    }
  });
});
