import { describe, expect, it, vi } from 'vitest';
import { currentSessionId, uniqueEmail, useTestApp } from './helpers/app.js';
import { nextStep, stepUp } from './helpers/mfa.js';
import { mailsTo, passwordStep, signInWithTotp, totpUser } from './helpers/security.js';

/**
 * Security rule: every change DESIGN.md puts behind step-up (disabling MFA, removing a factor,
 * regenerating backup codes, changing email or password, revoking sessions) is refused to a
 * session without a re-authentication newer than 15 minutes, even one that has just finished a
 * two-step sign-in, and nothing changes. Each request is otherwise valid: the step-up check runs
 * after body validation, so a 403 STEP_UP_REQUIRED also proves the body got that far.
 */

const ctx = useTestApp();

describe('step-up', () => {
  it('refuses each guarded change to a freshly signed-in session, and changes nothing', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const otherSessionId = await currentSessionId(account.client);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());

    // A full two-step sign-in in another browser: aal 2, but no step-up window.
    const client = await signInWithTotp(ctx.app, account);
    expect((await client.get('/api/auth/session')).json().session.aal).toBe(2);
    const mailsBefore = (await mailsTo(ctx.db, account.email)).length;

    const newEmail = uniqueEmail('moved');
    const guarded = [
      { method: 'POST', url: '/api/mfa/disable', body: { method: 'totp', code: '123456' } },
      { method: 'DELETE', url: `/api/mfa/factors/${account.factorId}` },
      { method: 'POST', url: '/api/mfa/backup-codes', body: {} },
      {
        method: 'POST',
        url: '/api/account/password',
        body: { currentPassword: account.password, newPassword: 'a brand new passphrase' },
      },
      { method: 'POST', url: '/api/account/email', body: { email: newEmail } },
      { method: 'DELETE', url: `/api/sessions/${otherSessionId}` },
      { method: 'DELETE', url: '/api/sessions' },
    ] as const;
    for (const request of guarded) {
      const response = await client.request(request);
      const label = `${request.method} ${request.url} -> ${response.body}`;
      expect(response.statusCode, label).toBe(403);
      expect(response.json().code, label).toBe('STEP_UP_REQUIRED');
    }

    // Nothing happened: MFA, its factor and backup codes, the other session, the password and
    // the address are as they were, and no code went to the new address.
    const status = (await client.get('/api/mfa')).json();
    expect(status.enabled).toBe(true);
    expect(status.factors.map((f: { id: string }) => f.id)).toEqual([account.factorId]);
    expect(status.backupCodesRemaining).toBe(10);
    expect((await account.client.get('/api/auth/session')).statusCode).toBe(200);
    const again = await passwordStep(ctx.app, account.email, account.password);
    expect(again.body.status).toBe('mfa_required');
    expect((await client.get('/api/auth/session')).json().user.email).toBe(account.email);
    expect(await mailsTo(ctx.db, newEmail)).toHaveLength(0);
    expect(await mailsTo(ctx.db, account.email)).toHaveLength(mailsBefore);

    // The same requests pass the check once the window is open.
    vi.setSystemTime(Date.now() + 30_000);
    await stepUp(client, account.password, account.secret);
    const regenerated = await client.post('/api/mfa/backup-codes', {});
    expect(regenerated.statusCode, regenerated.body).toBe(201);
    const revoked = await client.request({
      method: 'DELETE',
      url: `/api/sessions/${otherSessionId}`,
    });
    expect(revoked.statusCode, revoked.body).toBeLessThan(300);
    expect((await account.client.get('/api/auth/session')).statusCode).toBe(401);
  });
});
