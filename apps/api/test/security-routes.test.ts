import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { mfaPolicy, securityEvents, members } from '@twofold/db';
import { and, eq, gte } from 'drizzle-orm';
import { Client, GOOD_PASSWORD, signUp, uniqueEmail, useTestApp } from './helpers/app.js';
import { enrollTotp, nextStep } from './helpers/mfa.js';
import {
  allRoutes,
  canonicalPath,
  fillParams,
  WRITE_METHODS,
  type RouteEntry,
} from './helpers/route-table.js';
import {
  challengeFor,
  COOKIE,
  cookieSet,
  passwordStep,
  send,
  totpAt,
  totpUser,
} from './helpers/security.js';

/**
 * Security rules: the challenge cookie (a half-finished sign-in) opens nothing but the two
 * second-step routes; a pending registration opens nothing at all; an enroll-only session (MFA
 * required by policy, grace over) can only set MFA up. Every route the router knows is tried.
 */

const ctx = useTestApp();
let admin: Awaited<ReturnType<typeof signUp>>;
let routes: RouteEntry[];
beforeAll(async () => {
  // The first account of a fresh database is the admin; everyone after it has role 'user'.
  admin = await signUp(ctx.app, ctx.db, uniqueEmail('admin'));
  routes = await allRoutes(ctx.app);
});
afterEach(async () => {
  await ctx.db.db.delete(mfaPolicy);
});

const DAY_MS = 24 * 60 * 60_000;

/** Open by design: ops, the dev outbox, and the auth routes that come before any session. */
const PUBLIC = new Set([
  '/api/health',
  '/api/ready',
  '/api/dev/mailbox',
  '/api/auth/login',
  '/api/auth/logout',
  '/api/auth/register',
  '/api/auth/register/verify',
  '/api/auth/register/resend',
  '/api/auth/password/forgot',
  '/api/auth/password/reset',
]);
/** The only routes a challenge cookie opens. */
const SECOND_STEP = new Set(['POST /api/auth/mfa/verify', 'POST /api/auth/mfa/email']);
/** What an enroll-only session may use. */
const ENROLL = new Set([
  'GET /api/auth/session',
  'HEAD /api/auth/session',
  'GET /api/mfa',
  'HEAD /api/mfa',
  'POST /api/mfa/totp',
  'POST /api/mfa/totp/confirm',
  'POST /api/mfa/email',
  'POST /api/mfa/email/confirm',
  // Forced setup that outlasts the first-factor grace re-authenticates to go on enrolling.
  'POST /api/auth/reauthenticate',
  'POST /api/auth/reauthenticate/email',
]);

type Kind = 'public' | 'second-step' | 'enroll' | 'session';
function kindOf(route: RouteEntry): Kind {
  const path = canonicalPath(route.path);
  if (PUBLIC.has(path)) return 'public';
  if (SECOND_STEP.has(`${route.method} ${path}`)) return 'second-step';
  if (ENROLL.has(`${route.method} ${path}`)) return 'enroll';
  return 'session';
}

/** Logout last, since it would end the session under test. */
const ordered = () =>
  [...routes].sort(
    (a, b) =>
      Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout') ||
      a.path.localeCompare(b.path),
  );

function probe(route: RouteEntry, cookie: string | undefined) {
  return send(ctx.app, {
    method: route.method as 'GET',
    url: fillParams(route.path),
    body: WRITE_METHODS.has(route.method) ? {} : undefined,
    cookie,
  });
}

const label = (route: RouteEntry, response: LightMyRequestResponse) =>
  `${route.method} ${route.path} -> ${response.statusCode} ${response.body.slice(0, 200)}`;

const errorCode = (route: RouteEntry, response: LightMyRequestResponse) =>
  route.method === 'HEAD' ? undefined : (response.json() as { code?: string }).code;

/** A public route may answer anything but a 5xx, and must not hand out a session. */
function expectPublicAnswer(route: RouteEntry, response: LightMyRequestResponse) {
  expect(response.statusCode, label(route, response)).toBeLessThan(500);
  expect(cookieSet(response, COOKIE.session), label(route, response)).toBeUndefined();
  if (route.method !== 'HEAD' && response.body) {
    expect(response.json().status, label(route, response)).not.toBe('authenticated');
  }
}

function expectUnauthenticated(route: RouteEntry, response: LightMyRequestResponse, code: string) {
  expect(response.statusCode, label(route, response)).toBe(401);
  if (route.method !== 'HEAD')
    expect(errorCode(route, response), label(route, response)).toBe(code);
  expect(cookieSet(response, COOKIE.session), label(route, response)).toBeUndefined();
}

async function requirePolicy(graceDays: number, requiredSince: Date) {
  await ctx.db.db
    .insert(mfaPolicy)
    .values({ role: 'user', required: true, graceDays, requiredSince, updatedBy: admin.user.id });
}

describe('the route table under test', () => {
  it('covers every routed and documented operation, including the ones this file names', () => {
    const keys = new Set(routes.map((r) => `${r.method} ${canonicalPath(r.path)}`));
    for (const expected of [
      ...SECOND_STEP,
      ...ENROLL,
      'GET /api/sessions',
      'DELETE /api/sessions/:id',
      'POST /api/auth/reauthenticate',
      'DELETE /api/mfa/factors/:id',
      'POST /api/mfa/backup-codes',
      'GET /api/admin/users',
      'GET /api/security/events',
    ]) {
      expect(keys, expected).toContain(expected);
    }
    expect(routes.length).toBeGreaterThan(30);
  });
});

describe('a half-finished sign-in opens nothing but the second step', () => {
  it('with only a challenge cookie, every route but the two second-step routes answers 401', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const cookie = await challengeFor(ctx.app, account.email, account.password);
    const accepted: string[] = [];

    for (const route of ordered()) {
      const response = await probe(route, cookie);
      const kind = kindOf(route);
      if (kind === 'public') {
        expectPublicAnswer(route, response);
      } else if (kind === 'second-step') {
        // Past the auth hook: the body ({}) is what gets refused now, not the caller.
        expect(response.statusCode, label(route, response)).not.toBe(401);
        expect(response.statusCode, label(route, response)).toBeLessThan(500);
        accepted.push(`${route.method} ${route.path}`);
      } else {
        expectUnauthenticated(route, response, 'UNAUTHENTICATED');
      }
    }
    expect(accepted.sort()).toEqual([...SECOND_STEP].sort());

    // Without the cookie the second-step routes refuse the caller.
    for (const url of ['/api/auth/mfa/verify', '/api/auth/mfa/email']) {
      const bare = await send(ctx.app, { url, body: { method: 'totp', code: '123456' } });
      expect(bare.statusCode, url).toBe(401);
      expect(bare.json().code).toBe('CHALLENGE_REQUIRED');
    }
    // The challenge cookie's value under the session cookie's name is no session either.
    const value = cookie.slice(`${COOKIE.challenge}=`.length);
    const swapped = await send(ctx.app, {
      method: 'GET',
      url: '/api/auth/session',
      cookie: `${COOKIE.session}=${value}`,
    });
    expect(swapped.statusCode).toBe(401);

    // And the challenge itself was live all along: it finishes the sign-in.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(nextStep());
    const done = await send(ctx.app, {
      url: '/api/auth/mfa/verify',
      body: { method: 'totp', code: totpAt(account.secret) },
      cookie,
    });
    expect(done.statusCode, done.body).toBe(200);
  });

  it('with only a pending registration cookie, every route that is not public answers 401', async () => {
    const registering = new Client(ctx.app);
    const registered = await registering.post('/api/auth/register', {
      email: uniqueEmail('pending'),
      password: GOOD_PASSWORD,
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const value = registering.cookies.get(COOKIE.pending);
    expect(value).toBeDefined();
    const cookie = `${COOKIE.pending}=${value}`;

    for (const route of ordered()) {
      const response = await probe(route, cookie);
      const kind = kindOf(route);
      if (kind === 'public') expectPublicAnswer(route, response);
      else if (kind === 'second-step') expectUnauthenticated(route, response, 'CHALLENGE_REQUIRED');
      else expectUnauthenticated(route, response, 'UNAUTHENTICATED');
    }

    // Nor does its value stand in for a challenge or a session cookie.
    const asChallenge = await send(ctx.app, {
      url: '/api/auth/mfa/verify',
      body: { method: 'totp', code: '123456' },
      cookie: `${COOKIE.challenge}=${value}`,
    });
    expect(asChallenge.json().code).toBe('CHALLENGE_REQUIRED');
    const asSession = await send(ctx.app, {
      method: 'GET',
      url: '/api/auth/session',
      cookie: `${COOKIE.session}=${value}`,
    });
    expect(asSession.statusCode).toBe(401);
  });
});

describe('MFA required by policy', () => {
  it('an enroll-only session gets 403 MFA_SETUP_REQUIRED from every session route, and can still set MFA up', async () => {
    const account = await signUp(ctx.app, ctx.db);
    await requirePolicy(0, new Date(Date.now() - DAY_MS));
    const { client, body } = await passwordStep(ctx.app, account.email, account.password);
    expect(body.status).toBe('mfa_setup_required');
    // It may re-authenticate (a forced setup that outlasts the first factor's grace): an open
    // step-up window must open nothing else to it.
    const reauthenticated = await client.post('/api/auth/reauthenticate', {
      password: account.password,
    });
    expect(reauthenticated.statusCode, reauthenticated.body).toBe(200);
    const cookie = `${COOKIE.session}=${client.cookies.get(COOKIE.session)}`;
    const opened: string[] = [];

    for (const route of ordered()) {
      const response = await probe(route, cookie);
      const kind = kindOf(route);
      if (kind === 'public') {
        expect(response.statusCode, label(route, response)).toBeLessThan(500);
      } else if (kind === 'second-step') {
        expectUnauthenticated(route, response, 'CHALLENGE_REQUIRED');
      } else if (kind === 'enroll') {
        expect(response.statusCode, label(route, response)).not.toBe(401);
        expect(response.statusCode, label(route, response)).not.toBe(403);
        expect(response.statusCode, label(route, response)).toBeLessThan(500);
        opened.push(`${route.method} ${canonicalPath(route.path)}`);
      } else {
        expect(response.statusCode, label(route, response)).toBe(403);
        const allowed = route.path.startsWith('/api/admin/')
          ? ['MFA_SETUP_REQUIRED', 'FORBIDDEN']
          : ['MFA_SETUP_REQUIRED'];
        if (route.method !== 'HEAD') {
          expect(allowed, label(route, response)).toContain(errorCode(route, response));
        }
      }
    }
    expect(new Set(opened)).toEqual(ENROLL);
  });

  it('with a grace period of 0 days, sign-in yields an enroll-only session; enrolling TOTP makes it a full one', async () => {
    const account = await signUp(ctx.app, ctx.db);
    await requirePolicy(0, new Date(Date.now() - DAY_MS));

    const signedIn = new Date();
    const { client, body } = await passwordStep(ctx.app, account.email, account.password);
    expect(body).toMatchObject({
      status: 'mfa_setup_required',
      user: { id: account.user.id, email: account.email, mfaEnabled: false },
    });
    expect(Date.parse(body.graceEndedAt as string)).toBeLessThanOrEqual(Date.now());
    const session = await client.get('/api/auth/session');
    expect(session.statusCode).toBe(200);
    expect(session.json().session.scope).toBe('enroll_only');
    // Written once each, with the session.
    const events = await ctx.db.db
      .select({ type: securityEvents.type, metadata: securityEvents.metadata })
      .from(securityEvents)
      .where(
        and(eq(securityEvents.userId, account.user.id), gte(securityEvents.createdAt, signedIn)),
      );
    expect(events.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { type: 'login.succeeded', metadata: { aal: 1, amr: ['pwd'] } },
      { type: 'mfa.setup_required', metadata: {} },
    ]);
    expect((await client.get('/api/sessions')).json().code).toBe('MFA_SETUP_REQUIRED');
    expect((await client.get('/api/mfa')).json().policy).toMatchObject({
      required: true,
      status: 'enforced',
    });

    await enrollTotp(client);
    const after = (await client.get('/api/auth/session')).json();
    expect(after.session.scope).toBe('full');
    expect(after.user.mfaEnabled).toBe(true);
    expect((await client.get('/api/sessions')).statusCode).toBe(200);

    // The admin role is not covered by the rule.
    expect((await passwordStep(ctx.app, admin.email, admin.password)).body.status).toBe(
      'authenticated',
    );
  });

  it('gives an account created after the requirement its own full grace period, counted from sign-up', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const since = new Date();
    await requirePolicy(7, since);
    vi.setSystemTime(since.getTime() + 5 * DAY_MS);
    const account = await signUp(ctx.app, ctx.db);
    const [row] = await ctx.db.db
      .select({ createdAt: members.createdAt })
      .from(members)
      .where(eq(members.id, account.user.id));
    const graceEndsAt = new Date(row!.createdAt.getTime() + 7 * DAY_MS);

    // Past the requirement's own 7 days, but 3 days after sign-up: still in grace.
    vi.setSystemTime(since.getTime() + 8 * DAY_MS);
    const { client, body } = await passwordStep(ctx.app, account.email, account.password);
    expect(body.status).toBe('authenticated');
    expect((await client.get('/api/auth/session')).json().user.mfaGraceEndsAt).toBe(
      graceEndsAt.toISOString(),
    );
  });

  it('with a grace period of 7 days, sign-in works and shows when it ends; 8 days later setup is required', async () => {
    const account = await signUp(ctx.app, ctx.db);
    const since = new Date();
    await requirePolicy(7, since);
    const graceEndsAt = new Date(since.getTime() + 7 * DAY_MS);

    const { client, body } = await passwordStep(ctx.app, account.email, account.password);
    expect(body.status).toBe('authenticated');
    const session = (await client.get('/api/auth/session')).json();
    expect(session.session.scope).toBe('full');
    expect(session.user.mfaGraceEndsAt).toBe(graceEndsAt.toISOString());
    expect((await client.get('/api/mfa')).json().policy).toMatchObject({
      status: 'grace',
      graceEndsAt: graceEndsAt.toISOString(),
    });

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(since.getTime() + 8 * DAY_MS);
    const later = await passwordStep(ctx.app, account.email, account.password);
    expect(later.body).toMatchObject({
      status: 'mfa_setup_required',
      graceEndedAt: graceEndsAt.toISOString(),
    });
    expect((await later.client.get('/api/auth/session')).json().session.scope).toBe('enroll_only');
  });
});
