import { describe, expect, it, vi } from 'vitest';
import { useTestApp } from './helpers/app.js';
import { nextStep, stepUp } from './helpers/mfa.js';
import { mailedCode, signInWithTotp, totpUser } from './helpers/security.js';

const ctx = useTestApp();

/**
 * Signs `account` in from a second browser (returned), then opens the step-up window of its
 * first one, on fresh TOTP steps of a fake clock.
 */
async function signInElsewhereAndStepUp(account: Awaited<ReturnType<typeof totpUser>>) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(nextStep());
  const other = await signInWithTotp(ctx.app, account);
  expect((await other.get('/api/auth/session')).statusCode).toBe(200);
  vi.setSystemTime(nextStep());
  await stepUp(account.client, account.password, account.secret);
  return other;
}

describe('changing MFA ends the other sessions', () => {
  it('turning MFA off signs the user out everywhere else, and keeps the session that did it', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const { client, backupCodes } = account;
    const other = await signInElsewhereAndStepUp(account);
    const off = await client.post('/api/mfa/disable', {
      method: 'backup_code',
      code: backupCodes[0]!,
    });
    expect(off.statusCode, off.body).toBe(200);

    expect((await other.get('/api/auth/session')).statusCode).toBe(401);
    const acting = await client.get('/api/auth/session');
    expect(acting.statusCode).toBe(200);
    expect(acting.json().user.mfaEnabled).toBe(false);
  });

  it('removing one of two factors signs the user out everywhere else, and MFA stays on', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const { client, email } = account;
    // Adding the second factor needs step-up, with the app (in a fresh time step).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(client, account.password, account.secret);
    const { code } = await mailedCode(ctx.db, email, () => client.post('/api/mfa/email', {}));
    expect((await client.post('/api/mfa/email/confirm', { code })).statusCode).toBe(200);
    const emailFactor = (await client.get('/api/mfa'))
      .json()
      .factors.find((factor: { type: string }) => factor.type === 'email');
    expect(emailFactor).toBeDefined();

    const other = await signInElsewhereAndStepUp(account);
    const removed = await client.request({
      method: 'DELETE',
      url: `/api/mfa/factors/${emailFactor.id}`,
    });
    expect(removed.statusCode, removed.body).toBe(200);

    expect((await other.get('/api/auth/session')).statusCode).toBe(401);
    const status = await client.get('/api/mfa');
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ enabled: true, factors: [{ type: 'totp' }] });
  });
});
