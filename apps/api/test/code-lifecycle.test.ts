import { describe, expect, it, vi } from 'vitest';
import { generateTotp } from '@twofold/mfa-core';
import { signUp, useTestApp } from './helpers/app.js';
import { nextStep, stepUp } from './helpers/mfa.js';
import { challengeFor, send, STEP_MS, totpAt, totpUser } from './helpers/security.js';

/**
 * Security rules: a code is spent by whatever used it first, enrollment included, and a
 * replaced set of backup codes stops working as a whole, used or not.
 */

const ctx = useTestApp();

const verify = (cookie: string, method: string, code: string) =>
  send(ctx.app, { url: '/api/auth/mfa/verify', body: { method, code }, cookie });

describe('codes that have done their job', () => {
  it('the code that confirmed the authenticator app is spent: signing in with it is a replay', async () => {
    const { client, email, password } = await signUp(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const started = await client.post('/api/mfa/totp', {});
    expect(started.statusCode, started.body).toBe(201);
    const { secret } = started.json() as { secret: string };
    const code = generateTotp({ secret, now: Date.now() });
    const confirmed = await client.post('/api/mfa/totp/confirm', { code });
    expect(confirmed.statusCode, confirmed.body).toBe(200);

    // Same time step, same code, a moment later in another browser.
    const cookie = await challengeFor(ctx.app, email, password);
    const replay = await verify(cookie, 'totp', code);
    expect(replay.statusCode, replay.body).toBe(400);
    expect(replay.json().code).toBe('CODE_ALREADY_USED');

    vi.setSystemTime(Date.now() + STEP_MS);
    const next = await verify(cookie, 'totp', totpAt(secret));
    expect(next.statusCode, next.body).toBe(200);
  });

  it('regenerating backup codes voids every old one, used or not', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const [usedBefore, unused] = account.backupCodes;
    const used = await verify(
      await challengeFor(ctx.app, account.email, account.password),
      'backup_code',
      usedBefore!,
    );
    expect(used.statusCode, used.body).toBe(200);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(account.client, account.password, account.secret);
    const regenerated = await account.client.post('/api/mfa/backup-codes', {});
    expect(regenerated.statusCode, regenerated.body).toBe(201);
    const fresh = regenerated.json().backupCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(unused);

    const cookie = await challengeFor(ctx.app, account.email, account.password);
    const old = await verify(cookie, 'backup_code', unused!);
    expect(old.statusCode, old.body).toBe(400);
    expect(old.json().code).toBe('INVALID_CODE');
    const status = (await account.client.get('/api/mfa')).json();
    expect(status.backupCodesRemaining).toBe(10);
    expect((await verify(cookie, 'backup_code', fresh[0]!)).statusCode).toBe(200);
  });
});
