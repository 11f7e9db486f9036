import { describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { accounts, securityEvents, trustedDevices } from '@twofold/db';
import { randomToken, sha256Hex } from '@twofold/mfa-core';
import {
  Client,
  GOOD_PASSWORD,
  latestMail,
  signUp,
  openStepUpWindow,
  useTestApp,
} from './helpers/app.js';
import { contextOf } from '@twofold/fastify/internal';

const ctx = useTestApp();

const NEW_PASSWORD = 'a completely different passphrase';

async function signIn(email: string, password: string) {
  const client = new Client(ctx.app);
  const response = await client.post('/api/auth/login', { email, password });
  return { client, response };
}

const changePassword = (client: Client, body: unknown) =>
  client.post('/api/account/password', body);

async function passwordHashOf(userId: string) {
  const [row] = await ctx.db.db
    .select({ passwordHash: accounts.passwordHash })
    .from(accounts)
    .where(eq(accounts.userId, userId));
  return row!.passwordHash;
}

/** A trusted-device row; `client` also gets its cookie, as after "trust this browser". */
async function trustDevice(userId: string, client?: Client) {
  const token = randomToken(32);
  if (client)
    client.cookies.set('twofold_device', contextOf(ctx.app).cookieJar.seal('device', token, 3600));
  const [device] = await ctx.db.db
    .insert(trustedDevices)
    .values({
      userId,
      tokenHash: sha256Hex(token),
      label: 'Firefox on Linux',
      expiresAt: new Date(Date.now() + 86_400_000),
    })
    .returning();
  return device!;
}

describe('POST /api/account/password', () => {
  it('changes the password, ends other sessions and trusted browsers, keeps this one', async () => {
    const { client, email, user } = await signUp(ctx.app, ctx.db);
    const other = (await signIn(email, GOOD_PASSWORD)).client;
    const device = await trustDevice(user.id, client);
    const otherDevice = await trustDevice(user.id);
    const bystander = await signUp(ctx.app, ctx.db);
    const bystanderDevice = await trustDevice(bystander.user.id);
    await openStepUpWindow(ctx.db, client);
    const changedAfter = Date.now();

    const response = await changePassword(client, {
      currentPassword: GOOD_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'password_changed' });
    // This browser's trusted-device cookie is cleared along with its row.
    expect(client.cookies.has('twofold_device')).toBe(false);

    expect((await client.get('/api/auth/session')).statusCode).toBe(200);
    expect((await other.get('/api/auth/session')).statusCode).toBe(401);
    expect((await bystander.client.get('/api/auth/session')).statusCode).toBe(200);

    const devices = await ctx.db.db.select().from(trustedDevices);
    expect(devices.find((d) => d.id === device.id)?.revokedAt).not.toBeNull();
    expect(devices.find((d) => d.id === otherDevice.id)?.revokedAt).not.toBeNull();
    expect(devices.find((d) => d.id === bystanderDevice.id)?.revokedAt).toBeNull();

    const old = await signIn(email, GOOD_PASSWORD);
    expect(old.response.statusCode).toBe(401);
    expect(old.response.json().code).toBe('INVALID_CREDENTIALS');
    const fresh = await signIn(email, NEW_PASSWORD);
    expect(fresh.response.statusCode).toBe(200);
    expect(fresh.response.json().status).toBe('authenticated');

    const mail = await latestMail(ctx.db, email);
    expect(mail?.subject).toBe('Your Twofold password was changed');
    expect(mail?.text).not.toContain(NEW_PASSWORD);
    // This session stays, so the notice must not claim every session ended.
    expect(mail?.text).toContain('other signed-in sessions were ended');

    const [event] = await ctx.db.db
      .select()
      .from(securityEvents)
      .where(and(eq(securityEvents.userId, user.id), eq(securityEvents.type, 'password.changed')));
    expect(event).toBeDefined();
    expect(event?.metadata).toMatchObject({ sessionsEnded: 1, devicesRevoked: 2 });
    expect(JSON.stringify(event)).not.toContain(NEW_PASSWORD);
    const [row] = await ctx.db.db.select().from(accounts).where(eq(accounts.userId, user.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row!.passwordChangedAt.getTime()).toBeGreaterThanOrEqual(changedAfter);
  });

  it('refuses a wrong current password with 401 and changes nothing', async () => {
    const { client, email, user } = await signUp(ctx.app, ctx.db);
    const other = (await signIn(email, GOOD_PASSWORD)).client;
    const before = await passwordHashOf(user.id);
    await openStepUpWindow(ctx.db, client);

    const response = await changePassword(client, {
      currentPassword: 'not the password at all',
      newPassword: NEW_PASSWORD,
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('INVALID_CREDENTIALS');
    expect(await passwordHashOf(user.id)).toBe(before);
    expect((await other.get('/api/auth/session')).statusCode).toBe(200);
    // A wrong password in this form does not sign the user out of this session.
    expect((await client.get('/api/auth/session')).statusCode).toBe(200);
  });

  it('refuses a weak or too short new password with 400 and changes nothing', async () => {
    const { client, email, user } = await signUp(ctx.app, ctx.db);
    const other = (await signIn(email, GOOD_PASSWORD)).client;
    const before = await passwordHashOf(user.id);
    await openStepUpWindow(ctx.db, client);

    for (const newPassword of ['aaaaaaaaaaaa', `${email}!`, `my ${email.split('@')[0]} pass`]) {
      const weak = await changePassword(client, { currentPassword: GOOD_PASSWORD, newPassword });
      expect(weak.statusCode, newPassword).toBe(400);
      expect(weak.json().code, newPassword).toBe('WEAK_PASSWORD');
    }
    const short = await changePassword(client, {
      currentPassword: GOOD_PASSWORD,
      newPassword: 'x1!',
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().code).toBe('VALIDATION_ERROR');
    const extra = await changePassword(client, {
      currentPassword: GOOD_PASSWORD,
      newPassword: NEW_PASSWORD,
      email: 'other@example.com',
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().code).toBe('VALIDATION_ERROR');

    expect(await passwordHashOf(user.id)).toBe(before);
    expect((await other.get('/api/auth/session')).statusCode).toBe(200);
  });

  it('needs step-up: 403 STEP_UP_REQUIRED without a recent reauthentication', async () => {
    const { client, user } = await signUp(ctx.app, ctx.db);
    const before = await passwordHashOf(user.id);
    const response = await changePassword(client, {
      currentPassword: GOOD_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('STEP_UP_REQUIRED');
    expect(await passwordHashOf(user.id)).toBe(before);
  });

  it('refuses a reauthentication older than 15 minutes', async () => {
    const { client, user } = await signUp(ctx.app, ctx.db);
    const before = await passwordHashOf(user.id);
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    await openStepUpWindow(ctx.db, client, new Date(start));
    vi.setSystemTime(start + 16 * 60_000);

    const response = await changePassword(client, {
      currentPassword: GOOD_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('STEP_UP_REQUIRED');
    expect(await passwordHashOf(user.id)).toBe(before);
  });

  it('needs a session', async () => {
    const response = await changePassword(new Client(ctx.app), {
      currentPassword: GOOD_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('UNAUTHENTICATED');
  });
});
