import { describe, expect, it, vi } from 'vitest';
import { useTestApp } from './helpers/app.js';
import { nextStep, stepUp } from './helpers/mfa.js';
import { signInWithTotp, totpAt, totpUser } from './helpers/security.js';

/**
 * POST /api/mfa/disable takes a current code on top of step-up, except right after an identity
 * check (re-authentication under 5 minutes ago) or when X-TOTP-Code proved step-up on the same
 * request: one password and one code are enough to turn two-factor off, never three codes.
 */

const ctx = useTestApp();

const MINUTE = 60_000;

async function mfaEnabled(client: { get(url: string): Promise<{ json(): unknown }> }) {
  return ((await client.get('/api/mfa')).json() as { enabled: boolean }).enabled;
}

describe('turning MFA off: the code in the body', () => {
  it('may be left out within 5 minutes of re-authenticating with password and a code', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(account.client, account.password, account.secret);

    vi.setSystemTime(Date.now() + 4 * MINUTE + 50_000);
    const off = await account.client.post('/api/mfa/disable', {});
    expect(off.statusCode, off.body).toBe(200);
    expect(await mfaEnabled(account.client)).toBe(false);
  });

  it('is required (403 CODE_REQUIRED) once the identity check is 5 minutes old, and then works', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(account.client, account.password, account.secret);

    // Still inside the 15-minute step-up window, but past the short one.
    vi.setSystemTime(Date.now() + 5 * MINUTE + 1_000);
    const refused = await account.client.post('/api/mfa/disable', {});
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().code).toBe('CODE_REQUIRED');
    expect(await mfaEnabled(account.client)).toBe(true);

    vi.setSystemTime(nextStep());
    const off = await account.client.post('/api/mfa/disable', {
      method: 'totp',
      code: totpAt(account.secret),
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(await mfaEnabled(account.client)).toBe(false);
  });

  it('still checks a code that is sent inside the short window', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(account.client, account.password, account.secret);
    const wrong = await account.client.post('/api/mfa/disable', {
      method: 'backup_code',
      code: 'aaaaa-aaaaa',
    });
    expect(wrong.json().code).toBe('INVALID_CODE');
    expect(await mfaEnabled(account.client)).toBe(true);
  });

  it('may be left out when X-TOTP-Code proves step-up on the same request', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const off = await account.client.post(
      '/api/mfa/disable',
      {},
      { 'x-totp-code': totpAt(account.secret) },
    );
    expect(off.statusCode, off.body).toBe(200);
    expect(await mfaEnabled(account.client)).toBe(false);
  });

  it('does not let a fresh cookie without an identity check turn MFA off, with or without a code', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    // A full two-step sign-in seconds ago, as a stolen cookie would be: no re-authentication.
    const stolen = await signInWithTotp(ctx.app, account);
    for (const body of [{}, { method: 'backup_code', code: account.backupCodes[0]! }]) {
      const refused = await stolen.post('/api/mfa/disable', body);
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().code).toBe('STEP_UP_REQUIRED');
    }
    expect(await mfaEnabled(account.client)).toBe(true);
  });

  it('answers a method without a code, or a code without a method, with 400', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(account.client, account.password, account.secret);
    for (const body of [{ method: 'totp' }, { code: '123456' }]) {
      const refused = await account.client.post('/api/mfa/disable', body);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().code).toBe('VALIDATION_ERROR');
    }
    expect(await mfaEnabled(account.client)).toBe(true);
  });
});

describe('removing the only method', () => {
  async function onlyFactorId(client: { get(url: string): Promise<{ json(): unknown }> }) {
    const { factors } = (await client.get('/api/mfa')).json() as {
      factors: { id: string; status: string }[];
    };
    const active = factors.filter((factor) => factor.status === 'active');
    expect(active).toHaveLength(1);
    return active[0]!.id;
  }

  it('asks what turning off asks: refused with 403 CODE_REQUIRED once the identity check is 5 minutes old', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const id = await onlyFactorId(account.client);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(account.client, account.password, account.secret);

    // The step-up window (15 minutes) is open, the short one is not.
    vi.setSystemTime(Date.now() + 5 * MINUTE + 1_000);
    const refused = await account.client.request({
      method: 'DELETE',
      url: `/api/mfa/factors/${id}`,
    });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().code).toBe('CODE_REQUIRED');
    expect(refused.json().message).toMatch(/\/api\/mfa\/disable/);
    expect(await mfaEnabled(account.client)).toBe(true);
  });

  it('goes through right after an identity check, or with X-TOTP-Code on the request', async () => {
    const fresh = await totpUser(ctx.app, ctx.db);
    const freshId = await onlyFactorId(fresh.client);
    const header = await totpUser(ctx.app, ctx.db);
    const headerId = await onlyFactorId(header.client);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    await stepUp(fresh.client, fresh.password, fresh.secret);
    vi.setSystemTime(Date.now() + 4 * MINUTE);
    const removed = await fresh.client.request({
      method: 'DELETE',
      url: `/api/mfa/factors/${freshId}`,
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(await mfaEnabled(fresh.client)).toBe(false);

    vi.setSystemTime(nextStep());
    const byHeader = await header.client.request({
      method: 'DELETE',
      url: `/api/mfa/factors/${headerId}`,
      headers: { 'x-totp-code': totpAt(header.secret) },
    });
    expect(byHeader.statusCode, byHeader.body).toBe(200);
    expect(await mfaEnabled(header.client)).toBe(false);
  });
});
