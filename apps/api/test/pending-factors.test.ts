import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { mfaFactors } from '@twofold/db';
import { PENDING_FACTOR_TTL_MS } from '@twofold/fastify/internal';
import type { Client } from './helpers/app.js';
import { signUp, uniqueEmail, useTestApp } from './helpers/app.js';
import { stepUp } from './helpers/mfa.js';
import { mailedCode, passwordStep, totpAt } from './helpers/security.js';

/**
 * Security rule: a pending (unconfirmed) factor lives 10 minutes and belongs to the session that
 * started it. Only that session, inside that time, gets the same secret back; any other start
 * gets a new one. A password change, "sign out everywhere" and an admin reset delete pending
 * factors. Otherwise someone who once knew the password could start an enrollment, keep the
 * secret, and have it handed to the owner weeks later.
 */

const ADMIN_EMAIL = uniqueEmail('admin');
const ctx = useTestApp({ env: { ADMIN_EMAILS: ADMIN_EMAIL } });

async function pendingOf(userId: string) {
  return ctx.db.db
    .select({ id: mfaFactors.id, type: mfaFactors.type, sessionId: mfaFactors.sessionId })
    .from(mfaFactors)
    .where(eq(mfaFactors.userId, userId));
}

async function startTotp(client: Client) {
  const started = await client.post('/api/mfa/totp', {});
  expect(started.statusCode, started.body).toBe(201);
  return started.json() as { factorId: string; secret: string };
}

/** The owner and, in another browser, someone who learned the password. */
async function ownerAndIntruder() {
  const owner = await signUp(ctx.app, ctx.db);
  const intruder = (await passwordStep(ctx.app, owner.email, owner.password)).client;
  return { owner, intruder };
}

describe('a pending TOTP factor', () => {
  it('gives its session the same secret for 10 minutes, and a new one after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { client, password, user } = await signUp(ctx.app, ctx.db);
    const t0 = Date.now();
    const first = await startTotp(client);
    vi.setSystemTime(t0 + PENDING_FACTOR_TTL_MS - 1_000);
    const retried = await startTotp(client);
    expect(retried).toMatchObject({ factorId: first.factorId, secret: first.secret });

    vi.setSystemTime(t0 + PENDING_FACTOR_TTL_MS);
    await stepUp(client, password); // the session is past the first factor's grace too
    const renewed = await startTotp(client);
    expect(renewed.secret).not.toBe(first.secret);
    expect(renewed.factorId).not.toBe(first.factorId);
    expect((await pendingOf(user.id)).map((f) => f.id)).toEqual([renewed.factorId]);
    const confirmed = await client.post('/api/mfa/totp/confirm', {
      code: totpAt(renewed.secret),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
  });

  it('cannot be confirmed once expired: FACTOR_NOT_FOUND, and it is gone', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { client, password, user } = await signUp(ctx.app, ctx.db);
    const t0 = Date.now();
    const { secret } = await startTotp(client);
    vi.setSystemTime(t0 + PENDING_FACTOR_TTL_MS + 1_000);
    await stepUp(client, password);

    const late = await client.post('/api/mfa/totp/confirm', { code: totpAt(secret) });
    expect(late.statusCode, late.body).toBe(404);
    expect(late.json().code).toBe('FACTOR_NOT_FOUND');
    expect(late.json().message).toMatch(/expired after 10 minutes/);
    expect(await pendingOf(user.id)).toEqual([]);
    expect((await client.get('/api/mfa')).json().enabled).toBe(false);
  });

  it('started by someone else is replaced for the owner, with a new secret nobody else saw', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { owner, intruder } = await ownerAndIntruder();
    const stolen = await startTotp(intruder);

    // The owner sets MFA up in their own session: a new secret, and the intruder's is gone.
    vi.setSystemTime(Date.now() + 60_000);
    const own = await startTotp(owner.client);
    expect(own.secret).not.toBe(stolen.secret);
    expect(own.factorId).not.toBe(stolen.factorId);
    const pending = await pendingOf(owner.user.id);
    expect(pending.map((f) => f.id)).toEqual([own.factorId]);

    // The intruder's code opens nothing; a start in a session that did not begin the setup
    // cannot be confirmed from it either.
    const intruding = await intruder.post('/api/mfa/totp/confirm', {
      code: totpAt(stolen.secret),
    });
    expect(intruding.statusCode, intruding.body).toBe(404);
    expect(intruding.json().code).toBe('FACTOR_NOT_FOUND');
    const withOwnersCode = await intruder.post('/api/mfa/totp/confirm', {
      code: totpAt(own.secret),
    });
    expect(withOwnersCode.statusCode).toBe(404);
    expect(withOwnersCode.json().message).toMatch(/another session/);

    const confirmed = await owner.client.post('/api/mfa/totp/confirm', {
      code: totpAt(own.secret),
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
  });

  it('started by someone else is not handed out later (a new sign-in is a new session)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { owner, intruder } = await ownerAndIntruder();
    const stolen = await startTotp(intruder);
    vi.setSystemTime(Date.now() + 3 * 60_000);
    const { client } = await passwordStep(ctx.app, owner.email, owner.password);
    const own = await startTotp(client);
    expect(own.secret).not.toBe(stolen.secret);
  });
});

describe('pending factors are deleted by', () => {
  /** The intruder starts both kinds of enrollment; answers the owner. */
  async function withPendingFactors() {
    const { owner, intruder } = await ownerAndIntruder();
    await startTotp(intruder);
    await mailedCode(ctx.db, owner.email, async () => {
      const started = await intruder.post('/api/mfa/email', {});
      expect(started.statusCode, started.body).toBe(201);
    });
    expect((await pendingOf(owner.user.id)).map((f) => f.type).sort()).toEqual(['email', 'totp']);
    return owner;
  }

  it('a password change', async () => {
    const owner = await withPendingFactors();
    await stepUp(owner.client, owner.password);
    const changed = await owner.client.post('/api/account/password', {
      currentPassword: owner.password,
      newPassword: 'a wholly different passphrase',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(await pendingOf(owner.user.id)).toEqual([]);
  });

  it('signing out everywhere', async () => {
    const owner = await withPendingFactors();
    await stepUp(owner.client, owner.password);
    const response = await owner.client.request({ method: 'DELETE', url: '/api/sessions' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().revoked).toBe(1);
    expect(await pendingOf(owner.user.id)).toEqual([]);
  });

  it('an admin MFA reset', async () => {
    const admin = await signUp(ctx.app, ctx.db, ADMIN_EMAIL);
    expect(admin.user.role).toBe('admin');
    const owner = await withPendingFactors();
    await stepUp(admin.client, admin.password);
    const reset = await admin.client.post(`/api/admin/users/${owner.user.id}/mfa/reset`);
    expect(reset.statusCode, reset.body).toBe(200);
    expect(await pendingOf(owner.user.id)).toEqual([]);
  });
});
