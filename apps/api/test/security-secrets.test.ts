import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { createTestDbClient } from '@twofold/db/testing';
import type { DbClient } from '@twofold/db';
import { decodeBase32, formatSecretForDisplay, normalizeBackupCode } from '@twofold/mfa-core';
import { buildApp, type App } from '../src/app.js';
import { buildTestApp, Client, GOOD_PASSWORD, testConfig, uniqueEmail } from './helpers/app.js';
import { nextStep } from './helpers/mfa.js';
import {
  COOKIE,
  mailedCode,
  selectRows,
  signInWithTotp,
  STEP_MS,
  totpAt,
  totpUser,
  wrongTotp,
} from './helpers/security.js';
import { contextOf } from '@twofold/fastify/internal';

/**
 * Security rule: no response and no log line ever contains a code, a code or token hash, a
 * TOTP secret or a cookie token, apart from the one-time enrollment answers (the secret in
 * POST /api/mfa/totp, the backup codes in the answer that creates them). Secrets are sealed in
 * the database and codes are stored as HMACs.
 */

interface Exchange {
  method: string;
  url: string;
  response: LightMyRequestResponse;
}

/** A client that keeps every exchange for inspection. */
class RecordingClient extends Client {
  constructor(
    app: App,
    private readonly exchanges: Exchange[],
  ) {
    super(app);
  }

  override async request(options: Parameters<Client['request']>[0]) {
    const response = await super.request(options);
    this.exchanges.push({ method: options.method, url: options.url, response });
    return response;
  }
}

let db: DbClient;
let app: App;
const logLines: string[] = [];
const exchanges: Exchange[] = [];
beforeAll(async () => {
  db = await createTestDbClient();
  app = await buildApp({
    config: testConfig(),
    db,
    // Everything, at the most verbose level, and without the production redaction list.
    logger: { level: 'trace', stream: { write: (line: string) => void logLines.push(line) } },
  });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A JWT cookie's `tok`: the random token the database keeps the hash of. */
function cookieToken(jwt: string): string | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tok?: string }).tok;
}

/** Where a 6-digit code may hide: as its own number, not inside a longer one. */
const containsDigits = (text: string, code: string) =>
  new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text);

interface Secret {
  what: string;
  /** Lower-case spellings to look for (case-insensitive search). */
  forms: string[];
  digits?: boolean;
}

function backupCodeSecret(code: string): Secret {
  const canonical = normalizeBackupCode(code)!;
  return {
    what: `backup code ${code}`,
    forms: [
      canonical,
      `${canonical.slice(0, 5)}-${canonical.slice(5)}`,
      `${canonical.slice(0, 5)} ${canonical.slice(5)}`,
    ],
  };
}

function found(text: string, secret: Secret): boolean {
  if (secret.digits) return secret.forms.some((form) => containsDigits(text, form));
  const lower = text.toLowerCase();
  return secret.forms.some((form) => lower.includes(form.toLowerCase()));
}

describe('secrets never leave in a response or a log line', () => {
  it('a full flow leaks no code, hash, secret or token; the TOTP secret is sealed and codes are HMACs', async () => {
    const email = uniqueEmail('secrets');
    const password = GOOD_PASSWORD;
    const newPassword = 'an entirely new passphrase';
    const emailCodes: string[] = [];
    const totpCodes: string[] = [];
    const cookieValues = new Set<string>();
    const client = () => new RecordingClient(app, exchanges);
    const keep = (c: Client) => {
      for (const value of c.cookies.values()) cookieValues.add(value);
    };
    const expectStatus = (response: LightMyRequestResponse, status: number) =>
      expect(response.statusCode, response.body).toBe(status);

    // Sign-up with an emailed code (the first account, an admin: the admin routes are read too).
    const alice = client();
    const registration = await mailedCode(db, email, () =>
      alice.post('/api/auth/register', { email, password }),
    );
    emailCodes.push(registration.code);
    keep(alice);
    const wrongFirst = registration.code === '000000' ? '111111' : '000000';
    expectStatus(await alice.post('/api/auth/register/verify', { code: wrongFirst }), 400);
    expectStatus(await alice.post('/api/auth/register/verify', { code: registration.code }), 200);
    keep(alice);

    // Authenticator enrollment: the secret is shown once, the backup codes once.
    const started = await alice.post('/api/mfa/totp', {});
    expectStatus(started, 201);
    const { secret } = started.json() as { secret: string };
    expectStatus(await alice.post('/api/mfa/totp/confirm', { code: wrongTotp(secret) }), 400);
    const enrollCode = totpAt(secret);
    totpCodes.push(enrollCode);
    const confirmed = await alice.post('/api/mfa/totp/confirm', { code: enrollCode });
    expectStatus(confirmed, 200);
    const backupCodes = [...(confirmed.json().backupCodes as string[])];
    keep(alice);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());

    // Sign-in with TOTP, trusting the browser; a replay and a wrong code on the way.
    expectStatus(await alice.post('/api/auth/logout', {}), 200);
    const browser = client();
    expect((await browser.post('/api/auth/login', { email, password })).json().status).toBe(
      'mfa_required',
    );
    keep(browser);
    expectStatus(
      await browser.post('/api/auth/mfa/verify', { method: 'totp', code: enrollCode }),
      400,
    );
    const loginTotp = totpAt(secret);
    totpCodes.push(loginTotp);
    expectStatus(
      await browser.post('/api/auth/mfa/verify', {
        method: 'totp',
        code: loginTotp,
        trustDevice: true,
      }),
      200,
    );
    keep(browser);
    expect(browser.cookies.has(COOKIE.device)).toBe(true);

    // Sign-in with a backup code, in another normalisation.
    const viaBackup = client();
    await viaBackup.post('/api/auth/login', { email, password });
    keep(viaBackup);
    expectStatus(
      await viaBackup.post('/api/auth/mfa/verify', { method: 'backup_code', code: 'zzzzz-zzzzz' }),
      400,
    );
    expectStatus(
      await viaBackup.post('/api/auth/mfa/verify', {
        method: 'backup_code',
        code: backupCodes[0]!.toUpperCase().replace('-', ' '),
      }),
      200,
    );
    keep(viaBackup);

    // Email codes as a second factor (adding one needs step-up), then a sign-in with one.
    vi.setSystemTime(Date.now() + STEP_MS);
    const addFactorTotp = totpAt(secret);
    totpCodes.push(addFactorTotp);
    expectStatus(
      await viaBackup.post('/api/auth/reauthenticate', {
        password,
        method: 'totp',
        code: addFactorTotp,
      }),
      200,
    );
    const enrollEmail = await mailedCode(db, email, () => viaBackup.post('/api/mfa/email', {}));
    emailCodes.push(enrollEmail.code);
    expectStatus(await viaBackup.post('/api/mfa/email/confirm', { code: enrollEmail.code }), 200);
    keep(viaBackup);
    const viaEmail = client();
    await viaEmail.post('/api/auth/login', { email, password });
    keep(viaEmail);
    const loginEmail = await mailedCode(db, email, () => viaEmail.post('/api/auth/mfa/email', {}));
    emailCodes.push(loginEmail.code);
    const wrongEmail = loginEmail.code === '123456' ? '654321' : '123456';
    expectStatus(
      await viaEmail.post('/api/auth/mfa/verify', { method: 'email', code: wrongEmail }),
      400,
    );
    expectStatus(
      await viaEmail.post('/api/auth/mfa/verify', { method: 'email', code: loginEmail.code }),
      200,
    );
    keep(viaEmail);

    // Step-up through the X-TOTP-Code header: new backup codes (shown once), then a replay.
    vi.setSystemTime(Date.now() + STEP_MS);
    const headerCode = totpAt(secret);
    totpCodes.push(headerCode);
    const regenerated = await viaEmail.post(
      '/api/mfa/backup-codes',
      {},
      { 'x-totp-code': headerCode },
    );
    expectStatus(regenerated, 201);
    backupCodes.push(...(regenerated.json().backupCodes as string[]));
    expectStatus(
      await viaEmail.post('/api/mfa/backup-codes', {}, { 'x-totp-code': headerCode }),
      400,
    );

    // Step-up by re-authentication, with TOTP and with an emailed code.
    vi.setSystemTime(Date.now() + STEP_MS);
    const reauthTotp = totpAt(secret);
    totpCodes.push(reauthTotp);
    expectStatus(
      await viaEmail.post('/api/auth/reauthenticate', {
        password,
        method: 'totp',
        code: reauthTotp,
      }),
      200,
    );
    const stepUp = await mailedCode(db, email, () =>
      viaBackup.post('/api/auth/reauthenticate/email', {}),
    );
    emailCodes.push(stepUp.code);
    expectStatus(
      await viaBackup.post('/api/auth/reauthenticate', {
        password,
        method: 'email',
        code: stepUp.code,
      }),
      200,
    );

    // Reading state back: status, session, sessions, devices, timeline, admin views.
    for (const url of [
      '/api/mfa',
      '/api/auth/session',
      '/api/sessions',
      '/api/mfa/trusted-devices',
      '/api/security/events',
      '/api/admin/users',
    ]) {
      expectStatus(await viaEmail.get(url), 200);
    }
    const me = (await viaEmail.get('/api/auth/session')).json().user.id as string;
    expectStatus(await viaEmail.get(`/api/admin/users/${me}/events`), 200);

    // Password reset with an emailed code (a wrong one first).
    const reset = await mailedCode(db, email, () =>
      client().post('/api/auth/password/forgot', { email }),
    );
    emailCodes.push(reset.code);
    const wrongReset = reset.code === '222222' ? '333333' : '222222';
    expectStatus(
      await client().post('/api/auth/password/reset', {
        email,
        code: wrongReset,
        password: newPassword,
      }),
      400,
    );
    expectStatus(
      await client().post('/api/auth/password/reset', {
        email,
        code: reset.code,
        password: newPassword,
      }),
      200,
    );

    // ---- What must never appear ----
    const dbValues = async (query: ReturnType<typeof sql>, column: string) =>
      (await selectRows<Record<string, string | null>>(db, query))
        .map((row) => row[column])
        .filter((value): value is string => typeof value === 'string');
    const hashes = [
      ...(await dbValues(sql`select code_hash from twofold.email_codes`, 'code_hash')),
      ...(await dbValues(sql`select code_hash from twofold.backup_codes`, 'code_hash')),
      ...(await dbValues(sql`select token_hash from twofold.sessions`, 'token_hash')),
      ...(await dbValues(sql`select token_hash from twofold.login_challenges`, 'token_hash')),
      ...(await dbValues(sql`select token_hash from twofold.trusted_devices`, 'token_hash')),
    ];
    const passwordHashes = await dbValues(
      sql`select password_hash from twofold.accounts`,
      'password_hash',
    );
    const ciphertexts = await dbValues(
      sql`select secret_ciphertext from twofold.mfa_factors where secret_ciphertext is not null`,
      'secret_ciphertext',
    );
    const tokens = [...cookieValues].flatMap((value) => [value, cookieToken(value) ?? '']);

    const secretForms = [secret, formatSecretForDisplay(secret)];
    const secrets: Secret[] = [
      { what: 'the TOTP secret', forms: secretForms },
      ...emailCodes.map((code) => ({ what: `emailed code ${code}`, forms: [code], digits: true })),
      ...totpCodes.map((code) => ({ what: `TOTP code ${code}`, forms: [code], digits: true })),
      ...backupCodes.map(backupCodeSecret),
      ...hashes.map((hash) => ({ what: `stored hash ${hash}`, forms: [hash] })),
      ...passwordHashes.map((hash) => ({ what: 'a password hash', forms: [hash] })),
      ...ciphertexts.map((c) => ({ what: 'a sealed secret', forms: [c] })),
      ...tokens.filter(Boolean).map((token) => ({ what: 'a cookie token', forms: [token] })),
      { what: 'a password', forms: [password, newPassword] },
    ];
    expect(hashes.length).toBeGreaterThan(20);
    expect(tokens.length).toBeGreaterThan(8);
    expect(emailCodes).toHaveLength(5);
    expect(totpCodes).toHaveLength(5);
    expect(backupCodes).toHaveLength(20);

    /** The one-time displays: the enrollment secret, and backup codes in the answer creating them. */
    const allowedIn = (exchange: Exchange, secret: Secret): boolean => {
      const path = exchange.url.split('?')[0];
      if (exchange.method !== 'POST') return false;
      if (path === '/api/mfa/totp' && secret.what === 'the TOTP secret') return true;
      if (
        ['/api/mfa/totp/confirm', '/api/mfa/email/confirm', '/api/mfa/backup-codes'].includes(
          path!,
        ) &&
        secret.what.startsWith('backup code ')
      ) {
        const shown = (exchange.response.json() as { backupCodes?: string[] }).backupCodes ?? [];
        return shown.some((code) => secret.what === `backup code ${code}`);
      }
      return false;
    };

    const leaks: string[] = [];
    expect(exchanges.length).toBeGreaterThanOrEqual(30);
    for (const exchange of exchanges) {
      const headers = Object.entries(exchange.response.headers)
        .filter(([name]) => name !== 'set-cookie')
        .map(([name, value]) => `${name}: ${String(value)}`)
        .join('\n');
      for (const secret of secrets) {
        if (found(headers, secret))
          leaks.push(`${exchange.method} ${exchange.url} headers: ${secret.what}`);
        if (found(exchange.response.body, secret) && !allowedIn(exchange, secret))
          leaks.push(`${exchange.method} ${exchange.url} body: ${secret.what}`);
      }
    }
    // The log really was written, at every level down to the mail notices.
    expect(logLines.some((line) => line.includes('incoming request'))).toBe(true);
    expect(logLines.some((line) => line.includes('dev outbox'))).toBe(true);
    for (const line of logLines) {
      for (const secret of secrets) {
        if (found(line, secret)) leaks.push(`log line: ${secret.what}: ${line.slice(0, 300)}`);
      }
    }
    // Nor does the security timeline keep any of it.
    for (const row of await selectRows(db, sql`select * from twofold.security_events`)) {
      const text = JSON.stringify(row);
      for (const secret of secrets) {
        if (found(text, secret)) leaks.push(`security event ${String(row.type)}: ${secret.what}`);
      }
    }
    expect(leaks).toEqual([]);

    // ---- At rest ----
    const [factor] = await selectRows<Record<string, string>>(
      db,
      sql`select * from twofold.mfa_factors where type = 'totp'`,
    );
    expect(factor).toBeDefined();
    const sealed = factor!.secret_ciphertext!;
    const rawSecret = Buffer.from(decodeBase32(secret));
    for (const form of [
      secret,
      secret.toLowerCase(),
      rawSecret.toString('hex'),
      rawSecret.toString('base64'),
      rawSecret.toString('base64url'),
    ]) {
      expect(JSON.stringify(factor).includes(form), `mfa_factors row holds ${form}`).toBe(false);
    }
    expect(
      contextOf(app).secretBox.open({ keyId: factor!.secret_key_id!, ciphertext: sealed }),
    ).toBe(secret);

    const stored = await selectRows<Record<string, string>>(
      db,
      sql`select * from twofold.backup_codes`,
    );
    expect(stored).toHaveLength(10);
    for (const row of stored) {
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
      for (const code of backupCodes) {
        expect(found(JSON.stringify(row), backupCodeSecret(code)), code).toBe(false);
      }
    }
    const storedEmailCodes = await selectRows<Record<string, string>>(
      db,
      sql`select * from twofold.email_codes`,
    );
    expect(storedEmailCodes.length).toBeGreaterThanOrEqual(emailCodes.length);
    for (const row of storedEmailCodes) {
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
      for (const code of emailCodes) expect(containsDigits(JSON.stringify(row), code)).toBe(false);
    }
    for (const token of tokens.filter(Boolean)) expect(hashes).not.toContain(token);
  });
});

describe('encryption key rotation', () => {
  const keyEntry = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
  const totpKeyId = async (userId: string) => {
    const [factor] = await selectRows<{ secret_key_id: string }>(
      db,
      sql`select secret_key_id from twofold.mfa_factors where user_id = ${userId} and type = 'totp'`,
    );
    return factor?.secret_key_id;
  };

  it('opens secrets sealed with an older key and seals new ones with the newest', async () => {
    const keyA = keyEntry('rot-a');
    const keyB = keyEntry('rot-b');
    const before = await buildTestApp(db, { env: { ENCRYPTION_KEYS: keyA } });
    const after = await buildTestApp(db, { env: { ENCRYPTION_KEYS: `${keyB},${keyA}` } });
    try {
      const old = await totpUser(before, db);
      expect(await totpKeyId(old.user.id)).toBe('rot-a');

      // After the rotation (B newest, A still listed), the A-sealed secret still signs in.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(nextStep());
      const client = await signInWithTotp(after, old);
      const session = (await client.get('/api/auth/session')).json();
      expect(session.session).toMatchObject({ aal: 2, amr: ['pwd', 'otp'] });
      vi.useRealTimers();

      // A new enrollment is sealed with B; the old factor keeps its A seal.
      const fresh = await totpUser(after, db);
      expect(await totpKeyId(fresh.user.id)).toBe('rot-b');
      expect(await totpKeyId(old.user.id)).toBe('rot-a');
    } finally {
      await before.close();
      await after.close();
    }
  });
});
