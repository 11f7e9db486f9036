import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, gte } from 'drizzle-orm';
import {
  backupCodes,
  mfaFactors,
  mfaPolicy,
  securityEvents,
  sessions,
  trustedDevices,
  members,
} from '@twofold/db';
import { randomToken, sha256Hex } from '@twofold/mfa-core';
import { stepUp } from './helpers/mfa.js';
import {
  Client,
  GOOD_PASSWORD,
  latestMail,
  signUp,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';
import { contextOf } from '@twofold/fastify/internal';

const ADMIN_EMAIL = uniqueEmail('admin');
const LATE_ADMIN_EMAIL = uniqueEmail('admin3');

const ctx = useTestApp({
  env: { ADMIN_EMAILS: `${ADMIN_EMAIL}, ${LATE_ADMIN_EMAIL}` },
});
let admin: Awaited<ReturnType<typeof signUp>>;
let member: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  // The first account of a fresh database is an admin anyway: the member must come second.
  admin = await signUp(ctx.app, ctx.db, ADMIN_EMAIL);
  member = await signUp(ctx.app, ctx.db);
});
afterEach(async () => {
  await ctx.db.db.delete(mfaPolicy);
});

interface ListedUser {
  id: string;
  email: string;
  role: string;
  emailVerified: boolean;
  mfaEnabled: boolean;
  factors: string[];
  createdAt: string;
  policyStatus: string;
}

/**
 * A state-changing admin request the way the admin pages make it: admin changes are step-up
 * actions, so on 403 STEP_UP_REQUIRED the admin re-authenticates (password; this admin has no
 * second factor) and the request is sent again.
 */
async function asAdmin(method: 'PUT' | 'POST', url: string, body?: unknown) {
  const first = await admin.client.request({ method, url, body });
  if (first.statusCode !== 403 || first.json().code !== 'STEP_UP_REQUIRED') return first;
  await stepUp(admin.client, admin.password);
  return admin.client.request({ method, url, body });
}

async function addTotpFactor(userId: string) {
  const sealed = contextOf(ctx.app).secretBox.seal('JBSWY3DPEHPK3PXP');
  const [factor] = await ctx.db.db
    .insert(mfaFactors)
    .values({
      userId,
      type: 'totp',
      status: 'active',
      secretCiphertext: sealed.ciphertext,
      secretKeyId: sealed.keyId,
      confirmedAt: new Date(),
    })
    .returning();
  return factor!;
}

/** A second-factor setup as complete as enrollment leaves it. */
async function giveFullMfa(userId: string) {
  await addTotpFactor(userId);
  await ctx.db.db.insert(mfaFactors).values({ userId, type: 'email', status: 'pending' });
  await ctx.db.db
    .insert(backupCodes)
    .values(Array.from({ length: 10 }, () => ({ userId, codeHash: sha256Hex(randomToken(16)) })));
  await ctx.db.db.insert(trustedDevices).values(
    [1, 2].map(() => ({
      userId,
      tokenHash: sha256Hex(randomToken(32)),
      label: 'Chrome on macOS',
      expiresAt: new Date(Date.now() + 86_400_000),
    })),
  );
}

/** `count` accounts straight into the table, `<tag>.<i>@example.com`, created at `createdAt(i)`. */
async function insertUsers(tag: string, count: number, createdAt: (i: number) => Date) {
  return ctx.db.db
    .insert(members)
    .values(
      Array.from({ length: count }, (_, i) => ({
        id: randomUUID(),
        email: `${tag}.${i}@example.com`,
        createdAt: createdAt(i),
      })),
    )
    .returning({ id: members.id });
}

async function walkUsers(client: Client, params: Record<string, string>) {
  const seen: ListedUser[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query = new URLSearchParams(params);
    if (cursor) query.set('cursor', cursor);
    const response = await client.get(`/api/admin/users?${query}`);
    expect(response.statusCode).toBe(200);
    const body = response.json() as { users: ListedUser[]; nextCursor: string | null };
    expect(body.users.length).toBeLessThanOrEqual(Number(params.limit ?? 20));
    seen.push(...body.users);
    cursor = body.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { seen, pages };
}

describe('admin access', () => {
  const someId = crypto.randomUUID();
  const routes = [
    { method: 'GET', url: '/api/admin/policy' },
    {
      method: 'PUT',
      url: '/api/admin/policy',
      body: { roles: [{ role: 'user', required: true, graceDays: 0 }] },
    },
    { method: 'GET', url: '/api/admin/users' },
    { method: 'GET', url: `/api/admin/users/${someId}/events` },
    { method: 'POST', url: `/api/admin/users/${someId}/mfa/reset`, body: {} },
  ] as const;

  it('answers 401 to anonymous callers and 403 to users who are not admins', async () => {
    expect(member.user.role).toBe('user');
    expect(admin.user.role).toBe('admin');
    for (const route of routes) {
      const anonymous = await new Client(ctx.app).request(route);
      expect(anonymous.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(anonymous.json().code).toBe('UNAUTHENTICATED');

      const forbidden = await member.client.request(route);
      expect(forbidden.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(forbidden.json().code).toBe('FORBIDDEN');
    }
    expect(await ctx.db.db.select().from(mfaPolicy)).toEqual([]);
  });

  it("does not let a user reset someone's MFA", async () => {
    const target = await signUp(ctx.app, ctx.db);
    await addTotpFactor(target.user.id);
    const response = await member.client.post(`/api/admin/users/${target.user.id}/mfa/reset`);
    expect(response.statusCode).toBe(403);
    expect(
      await ctx.db.db.select().from(mfaFactors).where(eq(mfaFactors.userId, target.user.id)),
    ).toHaveLength(1);
    expect((await target.client.get('/api/auth/session')).statusCode).toBe(200);
  });
});

describe('MFA policy', () => {
  it('defaults to not required with a 7-day grace period for both roles', async () => {
    const response = await admin.client.get('/api/admin/policy');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      roles: [
        { role: 'user', required: false, graceDays: 7, requiredSince: null },
        { role: 'admin', required: false, graceDays: 7, requiredSince: null },
      ],
    });
  });

  it('round-trips, and sets requiredSince when switched on, keeps it, clears it when off', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    const roleOf = async (role: string) =>
      ((await admin.client.get('/api/admin/policy')).json().roles as { role: string }[]).find(
        (r) => r.role === role,
      );

    const on = await asAdmin('PUT', '/api/admin/policy', {
      roles: [{ role: 'user', required: true, graceDays: 3 }],
    });
    expect(on.statusCode).toBe(200);
    expect(on.json().roles).toEqual([
      { role: 'user', required: true, graceDays: 3, requiredSince: new Date(t0).toISOString() },
      { role: 'admin', required: false, graceDays: 7, requiredSince: null },
    ]);
    expect(await roleOf('user')).toEqual(on.json().roles[0]);
    const [row] = await ctx.db.db.select().from(mfaPolicy).where(eq(mfaPolicy.role, 'user'));
    expect(row?.updatedBy).toBe(admin.user.id);

    // Still required, another grace period: the grace period keeps counting from t0.
    vi.setSystemTime(t0 + 10 * 60_000);
    const kept = await asAdmin('PUT', '/api/admin/policy', {
      roles: [
        { role: 'user', required: true, graceDays: 5 },
        { role: 'admin', required: false, graceDays: 2 },
      ],
    });
    expect(kept.json().roles).toEqual([
      { role: 'user', required: true, graceDays: 5, requiredSince: new Date(t0).toISOString() },
      { role: 'admin', required: false, graceDays: 2, requiredSince: null },
    ]);

    vi.setSystemTime(t0 + 20 * 60_000);
    const off = await asAdmin('PUT', '/api/admin/policy', {
      roles: [{ role: 'user', required: false, graceDays: 5 }],
    });
    expect((off.json().roles as unknown[])[0]).toEqual({
      role: 'user',
      required: false,
      graceDays: 5,
      requiredSince: null,
    });

    const t3 = t0 + 30 * 60_000;
    vi.setSystemTime(t3);
    const again = await asAdmin('PUT', '/api/admin/policy', {
      roles: [{ role: 'user', required: true, graceDays: 5 }],
    });
    expect((again.json().roles as { requiredSince: string }[])[0]?.requiredSince).toBe(
      new Date(t3).toISOString(),
    );

    const events = await ctx.db.db
      .select()
      .from(securityEvents)
      .where(
        and(
          eq(securityEvents.type, 'mfa.policy_updated'),
          gte(securityEvents.createdAt, new Date(t0)),
        ),
      );
    expect(events).toHaveLength(4);
    for (const event of events) expect(event.actorId).toBe(admin.user.id);
  });

  it('audits what was set, and records the admin who changed an existing rule last', async () => {
    const t0 = new Date();
    const policyEvents = () =>
      ctx.db.db
        .select()
        .from(securityEvents)
        .where(eq(securityEvents.type, 'mfa.policy_updated'))
        .orderBy(securityEvents.createdAt);
    const earlier = new Set((await policyEvents()).map((event) => event.id));
    const first = await asAdmin('PUT', '/api/admin/policy', {
      roles: [{ role: 'admin', required: false, graceDays: 4 }],
    });
    expect(first.statusCode).toBe(200);
    // Someone else changed the rule in between: the next save must name its own author.
    await ctx.db.db
      .update(mfaPolicy)
      .set({ updatedBy: member.user.id, updatedAt: new Date(0) })
      .where(eq(mfaPolicy.role, 'admin'));

    const body = {
      roles: [
        { role: 'user', required: true, graceDays: 2 },
        { role: 'admin', required: true, graceDays: 0 },
      ],
    };
    const second = await asAdmin('PUT', '/api/admin/policy', body);
    expect(second.statusCode).toBe(200);
    const [row] = await ctx.db.db.select().from(mfaPolicy).where(eq(mfaPolicy.role, 'admin'));
    expect(row).toMatchObject({ required: true, graceDays: 0, updatedBy: admin.user.id });
    expect(row!.updatedAt.getTime()).toBeGreaterThanOrEqual(t0.getTime());

    const events = (await policyEvents()).filter((event) => !earlier.has(event.id));
    expect(events.map((event) => event.metadata)).toEqual([
      { roles: [{ role: 'admin', required: false, graceDays: 4 }] },
      body,
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ userId: admin.user.id, actorId: admin.user.id });
    }
  });

  it("applies each role's own rule to a new account's first session", async () => {
    const on = await asAdmin('PUT', '/api/admin/policy', {
      roles: [
        { role: 'admin', required: true, graceDays: 0 },
        { role: 'user', required: false, graceDays: 0 },
      ],
    });
    expect(on.statusCode).toBe(200);

    const lateAdmin = await signUp(ctx.app, ctx.db, LATE_ADMIN_EMAIL);
    expect(lateAdmin.user.role).toBe('admin');
    const adminSession = (await lateAdmin.client.get('/api/auth/session')).json();
    expect(adminSession.session.scope).toBe('enroll_only');
    expect((await lateAdmin.client.get('/api/admin/users')).json().code).toBe('MFA_SETUP_REQUIRED');

    const newUser = await signUp(ctx.app, ctx.db);
    expect(newUser.user.role).toBe('user');
    expect((await newUser.client.get('/api/auth/session')).json().session.scope).toBe('full');
  });

  it('refuses duplicate roles and out-of-range values, writing nothing', async () => {
    for (const body of [
      {
        roles: [
          { role: 'user', required: true, graceDays: 3 },
          { role: 'user', required: false, graceDays: 3 },
        ],
      },
      { roles: [] },
      { roles: [{ role: 'owner', required: true, graceDays: 3 }] },
      { roles: [{ role: 'user', required: true, graceDays: 366 }] },
      { roles: [{ role: 'user', required: 'yes', graceDays: 3 }] },
      { roles: [{ role: 'user', required: true }] },
    ]) {
      const response = await asAdmin('PUT', '/api/admin/policy', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('VALIDATION_ERROR');
    }
    expect(await ctx.db.db.select().from(mfaPolicy)).toEqual([]);
  });
});

describe('GET /api/admin/users', () => {
  it('lists users with their MFA state and policy status', async () => {
    const withMfa = await signUp(ctx.app, ctx.db);
    const without = await signUp(ctx.app, ctx.db);
    await giveFullMfa(withMfa.user.id);
    await asAdmin('PUT', '/api/admin/policy', {
      roles: [{ role: 'user', required: true, graceDays: 7 }],
    });

    const { seen } = await walkUsers(admin.client, { limit: '100' });
    const byId = new Map(seen.map((user) => [user.id, user]));
    expect(byId.get(withMfa.user.id)).toEqual({
      id: withMfa.user.id,
      email: withMfa.email,
      role: 'user',
      emailVerified: true,
      mfaEnabled: true,
      factors: ['totp'],
      createdAt: expect.any(String),
      policyStatus: 'satisfied',
    });
    expect(byId.get(without.user.id)).toMatchObject({
      mfaEnabled: false,
      factors: [],
      policyStatus: 'grace',
    });
    expect(byId.get(admin.user.id)).toMatchObject({ role: 'admin', policyStatus: 'not_required' });
    expect(JSON.stringify(seen)).not.toMatch(/argon2|passwordHash/);
  });

  it('filters by a case-insensitive email substring, with LIKE wildcards taken literally', async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const literal = await signUp(ctx.app, ctx.db, `under_score.${tag}@example.com`);
    const lookalike = await signUp(ctx.app, ctx.db, `underxscore.${tag}@example.com`);

    const byTag = await admin.client.get(`/api/admin/users?q=${tag.toUpperCase()}`);
    expect((byTag.json().users as ListedUser[]).map((u) => u.id).sort()).toEqual(
      [literal.user.id, lookalike.user.id].sort(),
    );
    const underscore = await admin.client.get(
      `/api/admin/users?q=${encodeURIComponent(`under_score.${tag}`)}`,
    );
    expect((underscore.json().users as ListedUser[]).map((u) => u.id)).toEqual([literal.user.id]);
    const percent = await admin.client.get(`/api/admin/users?q=${encodeURIComponent(`%${tag}`)}`);
    expect(percent.json().users).toEqual([]);
    const padded = await admin.client.get(`/api/admin/users?q=${encodeURIComponent(`  ${tag} `)}`);
    expect((padded.json().users as ListedUser[]).map((u) => u.id).sort()).toEqual(
      [literal.user.id, lookalike.user.id].sort(),
    );
    const none = await admin.client.get(`/api/admin/users?q=nobody-${tag}`);
    expect(none.json()).toEqual({ users: [], nextCursor: null });
  });

  it('pages by (createdAt, id) without duplicates or gaps, ties included', async () => {
    const tag = `page${crypto.randomUUID().slice(0, 8)}`;
    const sameInstant = new Date(Date.now() - 3_600_000);
    const inserted = await insertUsers(tag, 7, (i) =>
      i < 4 ? sameInstant : new Date(sameInstant.getTime() + i * 1000),
    );

    const { seen, pages } = await walkUsers(admin.client, { limit: '3', q: tag });
    expect(pages).toBe(3);
    const ids = seen.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(inserted.map((u) => u.id).sort());
    const times = seen.map((u) => Date.parse(u.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const everyone = await walkUsers(admin.client, { limit: '4' });
    const all = await ctx.db.db.select({ id: members.id }).from(members);
    expect(everyone.seen.map((u) => u.id).sort()).toEqual(all.map((u) => u.id).sort());

    const bad = await admin.client.get('/api/admin/users?cursor=not-a-cursor!');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_ERROR');
    const tooMany = await admin.client.get('/api/admin/users?limit=101');
    expect(tooMany.statusCode).toBe(400);
  });
});

describe('GET /api/admin/users pagination end', () => {
  it('gives no cursor after a last page that is exactly full', async () => {
    const tag = `full${crypto.randomUUID().slice(0, 8)}`;
    const base = Date.now() - 7_200_000;
    const inserted = await insertUsers(tag, 6, (i) => new Date(base + i * 1000));

    const whole = await admin.client.get(`/api/admin/users?q=${tag}&limit=6`);
    expect(whole.statusCode).toBe(200);
    expect((whole.json().users as ListedUser[]).map((u) => u.id)).toEqual(
      inserted.map((u) => u.id),
    );
    expect(whole.json().nextCursor).toBeNull();

    const first = await admin.client.get(`/api/admin/users?q=${tag}&limit=3`);
    const cursor = first.json().nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const last = await admin.client.get(`/api/admin/users?q=${tag}&limit=3&cursor=${cursor}`);
    expect((last.json().users as ListedUser[]).map((u) => u.id)).toEqual(
      inserted.slice(3).map((u) => u.id),
    );
    expect(last.json().nextCursor).toBeNull();
  });
});

describe('GET /api/admin/users/:id/events', () => {
  it("pages through one user's timeline, newest first", async () => {
    const target = await signUp(ctx.app, ctx.db);
    await target.client.post('/api/auth/logout');
    const own = await ctx.db.db
      .select({ id: securityEvents.id })
      .from(securityEvents)
      .where(eq(securityEvents.userId, target.user.id));
    expect(own.length).toBeGreaterThanOrEqual(3);

    const seen: { id: string; type: string; createdAt: string }[] = [];
    let cursor: string | null = null;
    do {
      const response = await admin.client.get(
        `/api/admin/users/${target.user.id}/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(response.statusCode).toBe(200);
      seen.push(...response.json().events);
      cursor = response.json().nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.id).sort()).toEqual(own.map((e) => e.id).sort());
    expect(seen[0]?.type).toBe('logout');
  });

  it('answers 404 for an unknown user and 400 for an id no app could have', async () => {
    // User ids are the app's own, whatever their shape: any other id is simply not found.
    for (const id of [crypto.randomUUID(), '42', 'not-a-uuid']) {
      const unknown = await admin.client.get(`/api/admin/users/${id}/events`);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('NOT_FOUND');
    }
    const tooLong = await admin.client.get(`/api/admin/users/${'x'.repeat(256)}/events`);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().code).toBe('VALIDATION_ERROR');
  });
});

describe('POST /api/admin/users/:id/mfa/reset', () => {
  it('removes factors, backup codes, trusted browsers and sessions, audits and mails', async () => {
    const target = await signUp(ctx.app, ctx.db);
    const second = new Client(ctx.app);
    await second.post('/api/auth/login', { email: target.email, password: GOOD_PASSWORD });
    await giveFullMfa(target.user.id);
    await ctx.db.db
      .update(members)
      .set({ mfaFailedAttempts: 7, mfaLockedUntil: new Date(Date.now() + 600_000) })
      .where(eq(members.id, target.user.id));
    const bystander = await signUp(ctx.app, ctx.db);
    await giveFullMfa(bystander.user.id);

    const response = await asAdmin('POST', `/api/admin/users/${target.user.id}/mfa/reset`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });

    const of = <T extends { userId: unknown }>(table: T) =>
      eq(table.userId as never, target.user.id);
    expect(await ctx.db.db.select().from(mfaFactors).where(of(mfaFactors))).toEqual([]);
    expect(await ctx.db.db.select().from(backupCodes).where(of(backupCodes))).toEqual([]);
    const devices = await ctx.db.db.select().from(trustedDevices).where(of(trustedDevices));
    expect(devices).toHaveLength(2);
    for (const device of devices) expect(device.revokedAt).not.toBeNull();
    const rows = await ctx.db.db.select().from(sessions).where(of(sessions));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row.revokedAt).not.toBeNull();
    expect((await target.client.get('/api/auth/session')).statusCode).toBe(401);
    expect((await second.get('/api/auth/session')).statusCode).toBe(401);
    const [user] = await ctx.db.db.select().from(members).where(eq(members.id, target.user.id));
    expect(user).toMatchObject({ mfaFailedAttempts: 0, mfaLockedUntil: null });

    const [event] = await ctx.db.db
      .select()
      .from(securityEvents)
      .where(
        and(eq(securityEvents.userId, target.user.id), eq(securityEvents.type, 'mfa.admin_reset')),
      );
    expect(event?.actorId).toBe(admin.user.id);
    expect(event?.metadata).toEqual({ factorsRemoved: ['totp', 'email'], sessionsEnded: 2 });
    const mail = await latestMail(ctx.db, target.email);
    expect(mail?.subject).toBe('Your two-factor authentication was reset');

    // The admin stays signed in; nobody else is touched.
    expect((await admin.client.get('/api/auth/session')).statusCode).toBe(200);
    expect((await bystander.client.get('/api/auth/session')).statusCode).toBe(200);
    expect(
      await ctx.db.db.select().from(mfaFactors).where(eq(mfaFactors.userId, bystander.user.id)),
    ).toHaveLength(2);

    // The user signs in with the password alone, and sees the reset in their timeline.
    const back = new Client(ctx.app);
    const login = await back.post('/api/auth/login', {
      email: target.email,
      password: GOOD_PASSWORD,
    });
    expect(login.json().status).toBe('authenticated');
    const timeline = (await back.get('/api/security/events')).json().events as { type: string }[];
    expect(timeline.map((e) => e.type)).toContain('mfa.admin_reset');
  });

  it('answers 404 for an unknown user', async () => {
    const response = await asAdmin('POST', `/api/admin/users/${crypto.randomUUID()}/mfa/reset`);
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
  });
});
