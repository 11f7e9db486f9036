import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type {
  AuthenticatedResponse,
  EmailFactorStartResponse,
  FactorConfirmResponse,
  MfaEmailSendResponse,
  MfaRequiredResponse,
  TotpEnrollResponse,
} from '@twofold/mfa-core';
import { checkOathtool, oathtool, rowsOf, startShop, type RunningShop } from './helpers.js';

/**
 * One customer's journey through the second factor, over real HTTP: an authenticator app whose
 * codes come from the real oathtool binary, codes mailed over real SMTP, backup codes, a trusted
 * browser and step-up before a payout. The steps run in order and share the customer.
 */
let shop: RunningShop;

const grace = {
  email: 'grace@example.com',
  name: 'Grace',
  password: 'compilers are fun',
};
let secret = '';
let backupCodes: string[] = [];

// The mails carry the shop's name (APP_NAME): "Your Tea Shop sign-in code".
const SIGN_IN_CODE = /^Your Tea Shop sign-in code$/;
const ENROLL_CODE = /second factor/i;

beforeAll(async () => {
  checkOathtool();
  shop = await startShop();
});
afterAll(async () => {
  await shop?.close();
});

/** A new browser where the password was accepted and Twofold asks for the second step. */
async function atSecondStep() {
  const browser = shop.browser();
  const first = await browser.post<MfaRequiredResponse>('/login', {
    email: grace.email,
    password: grace.password,
  });
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ status: 'mfa_required' });
  expect(browser.jar.has('twofold_challenge')).toBe(true);
  return { browser, methods: first.body.methods };
}

/** The code oathtool shows once the clock moved to the next 30-second step. */
function nextTotp(): string {
  shop.clock.nextStep();
  return oathtool(secret, shop.clock.now());
}

describe('two-factor sign-in for the shop', () => {
  it('enrolls an authenticator app: secret from Twofold, code from oathtool', async () => {
    const browser = shop.browser();
    expect((await browser.post('/signup', grace)).status).toBe(201);
    await browser.post('/login', { email: grace.email, password: grace.password });

    const started = await browser.post<TotpEnrollResponse>('/twofold/mfa/totp', {});
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      secret: expect.stringMatching(/^[A-Z2-7]+=*$/),
      otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//),
      qrCode: expect.stringMatching(/^data:image\/png;base64,/),
    });
    secret = started.body.secret;
    expect(new URL(started.body.otpauthUri).searchParams.get('secret')).toBe(secret);
    // The authenticator app lists it under the shop's name (APP_NAME), not Twofold's.
    expect(new URL(started.body.otpauthUri).searchParams.get('issuer')).toBe('Tea Shop');

    const wrong = await browser.post('/twofold/mfa/totp/confirm', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CODE' });

    const confirmed = await browser.post<FactorConfirmResponse>('/twofold/mfa/totp/confirm', {
      code: oathtool(secret, shop.clock.now()),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.factor).toMatchObject({ type: 'totp', status: 'active' });
    backupCodes = confirmed.body.backupCodes ?? [];
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);

    // The session that enrolled stays signed in.
    expect((await browser.get('/orders')).status).toBe(200);
  });

  it('adds email codes after confirming identity, with the code mailed over SMTP', async () => {
    const { browser } = await atSecondStep();
    const verified = await browser.post('/twofold/auth/mfa/verify', {
      method: 'totp',
      code: nextTotp(),
    });
    expect(verified.status).toBe(200);
    // A second factor is a step-up action: the account has one already.
    const refused = await browser.post('/twofold/mfa/email', {});
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'STEP_UP_REQUIRED' });

    const reauthenticated = await browser.post('/twofold/auth/reauthenticate', {
      password: grace.password,
      method: 'totp',
      code: nextTotp(),
    });
    expect(reauthenticated.status).toBe(200);

    const before = shop.mail.count(grace.email, ENROLL_CODE);
    const started = await browser.post<EmailFactorStartResponse>('/twofold/mfa/email', {});
    expect(started.status).toBe(201);
    expect(started.body.status).toBe('sent');
    const code = await shop.mail.codeFor(grace.email, ENROLL_CODE, before);
    const confirmed = await browser.post<FactorConfirmResponse>('/twofold/mfa/email/confirm', {
      code,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.factor).toMatchObject({ type: 'email', status: 'active' });
    // Backup codes come with the first factor only.
    expect(confirmed.body.backupCodes).toBeUndefined();
  });

  it('signs in with the password, then a TOTP code from oathtool', async () => {
    const { browser, methods } = await atSecondStep();
    expect(methods).toEqual(['totp', 'email', 'backup_code']);
    // The password alone opens nothing of the shop's.
    const early = await browser.get('/orders');
    expect(early.status).toBe(401);
    expect(early.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });

    const wrong = await browser.post('/twofold/auth/mfa/verify', {
      method: 'totp',
      code: '123456',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'INVALID_CODE' });

    const code = nextTotp();
    const verified = await browser.post<AuthenticatedResponse>('/twofold/auth/mfa/verify', {
      method: 'totp',
      code,
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      status: 'authenticated',
      user: { email: grace.email, mfaEnabled: true },
    });
    expect(browser.jar.has('twofold_challenge')).toBe(false);
    const orders = await browser.get('/orders');
    expect(orders.status).toBe(200);
    expect(orders.body).toMatchObject({ customer: { email: grace.email }, secondFactor: true });

    // The same code, in the same 30-second step, from another sign-in: refused as a replay.
    const { browser: other } = await atSecondStep();
    const replay = await other.post('/twofold/auth/mfa/verify', { method: 'totp', code });
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ code: 'CODE_ALREADY_USED' });
  });

  it('signs in with a code mailed over SMTP', async () => {
    const { browser } = await atSecondStep();
    const before = shop.mail.count(grace.email, SIGN_IN_CODE);
    const sent = await browser.post<MfaEmailSendResponse>('/twofold/auth/mfa/email', {});
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      status: 'sent',
      sentTo: expect.stringMatching(/^g.*@example\.com$/),
    });
    const code = await shop.mail.codeFor(grace.email, SIGN_IN_CODE, before);

    const verified = await browser.post('/twofold/auth/mfa/verify', { method: 'email', code });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'authenticated' });
    expect((await browser.get('/orders')).body).toMatchObject({ secondFactor: true });
  });

  it('signs in with a backup code, which works once only', async () => {
    const [code] = backupCodes;
    const { browser } = await atSecondStep();
    const verified = await browser.post('/twofold/auth/mfa/verify', {
      method: 'backup_code',
      code: code!,
    });
    expect(verified.status).toBe(200);
    expect((await browser.get('/orders')).status).toBe(200);

    const { browser: again } = await atSecondStep();
    const reused = await again.post('/twofold/auth/mfa/verify', {
      method: 'backup_code',
      code: code!,
    });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ code: 'INVALID_CODE' });
    expect((await again.get('/orders')).status).toBe(401);
    // Another of the ten still works.
    const other = await again.post('/twofold/auth/mfa/verify', {
      method: 'backup_code',
      code: backupCodes[1]!,
    });
    expect(other.status).toBe(200);
  });

  it('remembers a trusted browser: the next password sign-in is complete at aal 2', async () => {
    const { browser } = await atSecondStep();
    const verified = await browser.post('/twofold/auth/mfa/verify', {
      method: 'totp',
      code: nextTotp(),
      trustDevice: true,
    });
    expect(verified.status).toBe(200);
    expect(browser.jar.has('twofold_device')).toBe(true);
    // Twofold tells the customer about the new trusted browser, by mail.
    await expect
      .poll(() => shop.mail.count(grace.email, /^A new browser was trusted$/), { timeout: 5_000 })
      .toBe(1);

    await browser.post('/logout');
    expect((await browser.get('/orders')).status).toBe(401);
    expect(browser.jar.has('twofold_device')).toBe(true);

    const again = await browser.post<AuthenticatedResponse>('/login', {
      email: grace.email,
      password: grace.password,
    });
    expect(again.body).toMatchObject({ status: 'authenticated', user: { mfaEnabled: true } });
    const session = await browser.get<{ session: { aal: number; amr: string[] } }>(
      '/twofold/auth/session',
    );
    expect(session.body.session).toMatchObject({ aal: 2, amr: ['pwd', 'device'] });
    expect((await browser.get('/orders')).body).toMatchObject({ secondFactor: true });

    // Another browser, the same password: still the second step.
    await atSecondStep();
  });

  it('asks for step-up before /payouts: the shop password and a current code', async () => {
    const { browser } = await atSecondStep();
    await browser.post('/twofold/auth/mfa/verify', { method: 'totp', code: nextTotp() });
    expect((await browser.get('/orders')).status).toBe(200);

    // A fresh session has not confirmed identity since signing in.
    const refused = await browser.post('/payouts', { amountCents: 2500 });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error: { code: 'STEP_UP_REQUIRED', message: expect.any(String) },
    });

    // Twofold asks the shop (users.verifyPassword) whether the password is right.
    const wrongPassword = await browser.post('/twofold/auth/reauthenticate', {
      password: 'not the password',
      method: 'totp',
      code: nextTotp(),
    });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const withoutCode = await browser.post('/twofold/auth/reauthenticate', {
      password: grace.password,
    });
    expect(withoutCode.status).toBe(400);

    const confirmed = await browser.post<{ expiresAt: string }>('/twofold/auth/reauthenticate', {
      password: grace.password,
      method: 'totp',
      code: nextTotp(),
    });
    expect(confirmed.status).toBe(200);
    expect(Date.parse(confirmed.body.expiresAt) - shop.clock.ms).toBe(15 * 60_000);

    const paid = await browser.post('/payouts', { amountCents: 2500 });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ payout: { amountCents: 2500, status: 'scheduled' } });

    // Fifteen minutes later the window is closed again.
    shop.clock.advance(15 * 60_000);
    expect((await browser.post('/payouts', { amountCents: 100 })).status).toBe(403);
    // An X-TOTP-Code header on the request itself is step-up too.
    const withHeader = await browser.post(
      '/payouts',
      { amountCents: 100 },
      { 'x-totp-code': nextTotp() },
    );
    expect(withHeader.status).toBe(200);
  });

  it("leaves the shop's tables alone: Twofold's live in schema twofold", async () => {
    const columns = rowsOf<{ column_name: string }>(
      await shop.db.db.execute(sql`
        select column_name from information_schema.columns
        where table_schema = 'public' and table_name = 'customers' order by ordinal_position`),
    );
    expect(columns.map((row) => row.column_name)).toEqual([
      'id',
      'email',
      'name',
      'password_hash',
      'created_at',
    ]);

    const tables = rowsOf<{ table_schema: string; table_name: string }>(
      await shop.db.db.execute(sql`
        select table_schema, table_name from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema')
        order by table_schema, table_name`),
    );
    const inSchema = (schema: string) =>
      tables.filter((row) => row.table_schema === schema).map((row) => row.table_name);
    expect(inSchema('public')).toEqual(['customers']);
    expect(inSchema('twofold')).toEqual(
      expect.arrayContaining(['members', 'sessions', 'mfa_factors', 'backup_codes']),
    );
    expect(new Set(tables.map((row) => row.table_schema))).toEqual(new Set(['public', 'twofold']));

    // Twofold keys its rows by the shop's own id, as text; the shop's row is as it wrote it.
    const [customer] = rowsOf<{ id: number; password_hash: string }>(
      await shop.db.db.execute(
        sql`select id, password_hash from customers where email = ${grace.email}`,
      ),
    );
    expect(customer!.password_hash).toMatch(/^scrypt\$16384\$[\w-]+\$[\w-]+$/);
    const [member] = rowsOf<{ id: string }>(
      await shop.db.db.execute(sql`select id from twofold.members where email = ${grace.email}`),
    );
    expect(member!.id).toBe(String(customer!.id));
  });
});
