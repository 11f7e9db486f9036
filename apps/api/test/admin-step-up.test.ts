import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { mfaFactors, mfaPolicy } from '@twofold/db';
import { signUp, uniqueEmail, useTestApp } from './helpers/app.js';
import { enrollTotp, nextStep, stepUp } from './helpers/mfa.js';
import { allRoutes, canonicalPath, WRITE_METHODS } from './helpers/route-table.js';
import { setUpInEarlierSession, totpAt, totpUser } from './helpers/security.js';

/**
 * Security rules: every state-changing admin action needs step-up, like any other guarded
 * change; and an admin's own MFA follows the same rules as anyone's, so the admin reset refuses
 * the admin's own account (they turn MFA off in the security settings, with step-up and a
 * current code, and only where their role's policy allows it).
 */

const ADMIN_EMAIL = uniqueEmail('admin');
const ctx = useTestApp({ env: { ADMIN_EMAILS: ADMIN_EMAIL } });

let admin: Awaited<ReturnType<typeof signUp>> & { secret: string; factorId: string };
beforeAll(async () => {
  const account = await signUp(ctx.app, ctx.db, ADMIN_EMAIL);
  expect(account.user.role).toBe('admin');
  admin = { ...account, ...(await enrollTotp(account.client)) };
  await setUpInEarlierSession(ctx.db, admin.factorId, account.client);
});
afterEach(async () => {
  await ctx.db.db.delete(mfaPolicy);
});

async function factorsOf(userId: string) {
  return ctx.db.db.select().from(mfaFactors).where(eq(mfaFactors.userId, userId));
}

describe('admin changes', () => {
  it('each need step-up: refused without it and nothing changes, done with it', async () => {
    const target = await totpUser(ctx.app, ctx.db);
    const guarded = [
      {
        method: 'PUT',
        url: '/api/admin/policy',
        body: { roles: [{ role: 'user', required: true, graceDays: 3 }] },
      },
      { method: 'POST', url: `/api/admin/users/${target.user.id}/mfa/reset`, body: {} },
    ] as const;

    // This list is every state-changing admin route: a new one must be added here.
    const writes = (await allRoutes(ctx.app))
      .filter((route) => WRITE_METHODS.has(route.method) && route.path.startsWith('/api/admin/'))
      .map((route) => `${route.method} ${canonicalPath(route.path)}`)
      .sort();
    expect(writes).toEqual(['POST /api/admin/users/:id/mfa/reset', 'PUT /api/admin/policy']);

    // Signed in with both factors a moment ago, but no re-authentication.
    for (const request of guarded) {
      const response = await admin.client.request(request);
      expect(response.statusCode, `${request.url} -> ${response.body}`).toBe(403);
      expect(response.json().code).toBe('STEP_UP_REQUIRED');
    }
    expect(await ctx.db.db.select().from(mfaPolicy)).toEqual([]);
    expect(await factorsOf(target.user.id)).toHaveLength(1);
    expect((await target.client.get('/api/auth/session')).statusCode).toBe(200);

    // X-TOTP-Code opens one request; re-authentication opens the window.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const policy = await admin.client.request({
      ...guarded[0],
      headers: { 'x-totp-code': totpAt(admin.secret) },
    });
    expect(policy.statusCode, policy.body).toBe(200);
    expect(await ctx.db.db.select().from(mfaPolicy)).toHaveLength(1);
    vi.setSystemTime(nextStep());
    await stepUp(admin.client, admin.password, admin.secret);
    const reset = await admin.client.request(guarded[1]);
    expect(reset.statusCode, reset.body).toBe(200);
    expect(await factorsOf(target.user.id)).toEqual([]);
  });
});

describe("an admin's own MFA", () => {
  it('cannot be reset through the admin route, even with step-up', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // Their role requires MFA, so the security settings would not let them turn it off.
    await ctx.db.db.insert(mfaPolicy).values({ role: 'admin', required: true, graceDays: 0 });
    const url = `/api/admin/users/${admin.user.id}/mfa/reset`;

    const without = await admin.client.post(url, {});
    expect(without.statusCode, without.body).toBe(403);
    expect(without.json().code).toBe('FORBIDDEN');

    // Past the TOTP steps the test before spent.
    vi.setSystemTime(Date.now() + 5 * 60_000);
    vi.setSystemTime(nextStep());
    await stepUp(admin.client, admin.password, admin.secret);
    const withStepUp = await admin.client.post(url, {});
    expect(withStepUp.statusCode, withStepUp.body).toBe(403);
    expect(withStepUp.json()).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/security settings/),
    });
    // The same id in upper case names the same account to PostgreSQL: refused all the same.
    const shouted = await admin.client.post(
      `/api/admin/users/${admin.user.id.toUpperCase()}/mfa/reset`,
      {},
    );
    expect(shouted.statusCode, shouted.body).toBe(403);
    expect(shouted.json().code).toBe('FORBIDDEN');

    // Nothing changed: the factor, the backup codes and the session are as they were.
    expect(await factorsOf(admin.user.id)).toHaveLength(1);
    const status = (await admin.client.get('/api/mfa')).json();
    expect(status).toMatchObject({ enabled: true, backupCodesRemaining: 10 });
    expect((await admin.client.get('/api/auth/session')).statusCode).toBe(200);
  });
});
