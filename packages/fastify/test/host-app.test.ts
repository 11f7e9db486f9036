import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { desc, eq } from 'drizzle-orm';
import { devOutbox, type DbClient } from '@twofold/db';
import { createTestDbClient } from '@twofold/db/testing';
import { generateTotp } from '@twofold/mfa-core';
import twofold, { ephemeralSecretEnv, loadConfig } from '../src/index.js';
import { Browser } from './browser.js';

/**
 * An app of its own, with its own cookie plugin, decorators, error format and routes, that
 * registers Twofold: its routes keep their answers, and only the ones that opt in are guarded.
 */
const APP_URL = 'http://shop.localhost:4000';
let db: DbClient;
let host: FastifyInstance;
let clock = Date.now();
/** An app whose user list is empty: enough where no one signs in. */
const noUsers = { findById: () => null, verifyPassword: () => false };

async function buildHost(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(cookie);
  app.decorate('db', { theShops: 'own database' });
  app.decorate('config', { theShops: 'own config' });
  app.decorate('users', ['the shop keeps its own users']);
  app.decorateRequest('auth', null);
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    reply.status(error.statusCode ?? 500).send({ shopError: error.message, code: error.code });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send({ shopError: 'no such page' }),
  );
  // Its own serializer (as a Zod type provider sets one) and form bodies.
  app.setSerializerCompiler(() => () => '{"servedBy":"the shop serializer"}');
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  await app.register(twofold, {
    config: loadConfig(
      { NODE_ENV: 'test', APP_URL, RATE_LIMIT_AUTH_MAX: '100000', ...ephemeralSecretEnv() },
      { log: () => {} },
    ),
    db,
    now: () => new Date(clock),
    // Twofold's own accounts stand in for the shop's sign-in here: the guards are what is tested.
    accounts: true,
  });

  app.get('/shop/items', async () => ({ items: ['tea'] }));
  app.post(
    '/shop/items',
    {
      schema: {
        body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      },
    },
    async (request) => ({ added: (request.body as { name: string }).name }),
  );
  app.get(
    '/shop/serialized',
    { schema: { response: { 200: { type: 'object', properties: { a: { type: 'string' } } } } } },
    async () => ({ a: 'b' }),
  );
  app.post('/shop/form', async (request) => request.body);
  app.get('/shop/cookie', async (request) => ({ seen: request.cookies.flavour ?? null }));
  app.get('/shop/orders', { preHandler: app.twofold.requireSession }, async (request) => ({
    for: request.twofoldSession?.email,
    aal: request.twofoldSession?.aal,
  }));
  app.post('/shop/payout', { preHandler: app.twofold.requireStepUp }, async (request) => ({
    paidTo: request.twofoldSession?.userId,
  }));
  await app.ready();
  return app;
}

async function signedIn(email: string): Promise<Browser> {
  const browser = new Browser(host);
  const password = 'correct horse battery';
  const registered = await browser.send('POST', '/twofold/auth/register', { email, password });
  expect(registered.statusCode).toBe(201);
  const [mail] = await db.db
    .select()
    .from(devOutbox)
    .where(eq(devOutbox.to, email))
    .orderBy(desc(devOutbox.createdAt))
    .limit(1);
  const code = mail!.text.match(/\b(\d{6})\b/)![1]!;
  const verified = await browser.send('POST', '/twofold/auth/register/verify', { code });
  expect(verified.statusCode).toBe(200);
  return browser;
}

beforeAll(async () => {
  db = await createTestDbClient();
  host = await buildHost();
});
afterAll(async () => {
  await host?.close();
  await db?.close();
});

describe('an app that registers Twofold', () => {
  it('keeps its own decorators, and gains only app.twofold', () => {
    expect((host as unknown as { db: unknown }).db).toEqual({ theShops: 'own database' });
    expect((host as unknown as { config: unknown }).config).toEqual({ theShops: 'own config' });
    expect((host as unknown as { users: unknown }).users).toEqual(['the shop keeps its own users']);
    for (const name of ['sessions', 'secondFactor', 'mailer', 'cookieJar', 'twofoldContext', 'jwt'])
      expect(host.hasDecorator(name), name).toBe(false);
    expect(host.twofold.prefix).toBe('/twofold');
  });

  it('leaves its unguarded routes, validation, 404s and cookies as they were', async () => {
    const items = await host.inject({ method: 'GET', url: '/shop/items' });
    expect(items.statusCode).toBe(200);
    expect(items.json()).toEqual({ items: ['tea'] });
    // No no-store or other Twofold header on the shop's own answers.
    expect(items.headers['cache-control']).toBeUndefined();

    const bad = await host.inject({ method: 'POST', url: '/shop/items', payload: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ shopError: expect.any(String), code: 'FST_ERR_VALIDATION' });
    // Fastify's own validator coerces a number to a string; Twofold's strict one (below) is for
    // Twofold's routes only.
    const coerced = await host.inject({ method: 'POST', url: '/shop/items', payload: { name: 7 } });
    expect(coerced.json()).toEqual({ added: '7' });

    const missing = await host.inject({ method: 'GET', url: '/shop/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ shopError: 'no such page' });

    const serialized = await host.inject({ method: 'GET', url: '/shop/serialized' });
    expect(serialized.json()).toEqual({ servedBy: 'the shop serializer' });
    const form = await host.inject({
      method: 'POST',
      url: '/shop/form',
      payload: 'flavour=mint',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.json()).toEqual({ flavour: 'mint' });

    const withCookie = await host.inject({
      method: 'GET',
      url: '/shop/cookie',
      headers: { cookie: 'flavour=mint' },
    });
    expect(withCookie.json()).toEqual({ seen: 'mint' });

    // A cross-site POST to an unguarded shop route is the shop's business, not refused.
    const crossSite = await host.inject({
      method: 'POST',
      url: '/shop/items',
      payload: { name: 'y' },
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(crossSite.statusCode).toBe(200);
  });

  it("mounts Twofold's routes under its prefix, in Twofold's own error format", async () => {
    const health = await host.inject({ method: 'GET', url: '/twofold/health' });
    expect(health.statusCode).toBe(200);
    // Serialized by Fastify's own compiler from the route's schema, not the shop's.
    expect(health.json()).toEqual({ status: 'ok' });
    expect(health.headers['cache-control']).toBe('no-store');
    const missing = await host.inject({ method: 'GET', url: '/twofold/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
    const closed = await host.inject({ method: 'GET', url: '/twofold/mfa' });
    expect(closed.statusCode).toBe(401);
    expect(closed.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    // Strict bodies there: a number is not quietly turned into a password.
    const strict = await host.inject({
      method: 'POST',
      url: '/twofold/auth/login',
      payload: { email: 'a@example.com', password: 12345678 },
    });
    expect(strict.statusCode).toBe(400);
    expect(strict.json().code).toBe('VALIDATION_ERROR');
    // JSON only: a form body (what another site's form can send) is refused, even though the
    // shop accepts forms on its own routes.
    const form = await host.inject({
      method: 'POST',
      url: '/twofold/auth/login',
      payload: 'email=a%40example.com&password=correct+horse+battery',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('guards a route that asks for a session, answering in the app’s own error format', async () => {
    const anonymous = await host.inject({ method: 'GET', url: '/shop/orders' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ shopError: expect.any(String), code: 'UNAUTHENTICATED' });

    const forged = await host.inject({
      method: 'GET',
      url: '/shop/orders',
      headers: { cookie: 'twofold_session=eyJhbGciOiJub25lIn0.eyJ0eXAiOiJzZXNzaW9uIn0.' },
    });
    expect(forged.statusCode).toBe(401);

    const email = `orders.${Date.now()}@example.com`;
    const browser = await signedIn(email);
    const orders = await browser.send('GET', '/shop/orders');
    expect(orders.statusCode).toBe(200);
    expect(orders.json()).toEqual({ for: email, aal: 1 });
  });

  it('asks for step-up on a route that needs it, and refuses cross-site writes there', async () => {
    const browser = await signedIn(`payout.${Date.now()}@example.com`);
    const refused = await browser.send('POST', '/shop/payout', {});
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('STEP_UP_REQUIRED');

    const confirmed = await browser.send('POST', '/twofold/auth/reauthenticate', {
      password: 'correct horse battery',
    });
    expect(confirmed.statusCode).toBe(200);
    const paid = await browser.send('POST', '/shop/payout', {});
    expect(paid.statusCode).toBe(200);
    expect(paid.json().paidTo).toEqual(expect.any(String));

    const crossSite = await browser.send(
      'POST',
      '/shop/payout',
      {},
      {
        origin: 'https://evil.example',
      },
    );
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().code).toBe('CSRF_REJECTED');

    // The window closes after 15 minutes.
    clock += 16 * 60_000;
    try {
      const later = await browser.send('POST', '/shop/payout', {});
      expect(later.statusCode).toBe(403);
      expect(later.json().code).toBe('STEP_UP_REQUIRED');
    } finally {
      clock = Date.now();
    }
  });
});

describe('a signed-in person with an authenticator app, on the app’s routes', () => {
  it('needs the second step before a guarded route opens, and takes X-TOTP-Code as step-up', async () => {
    const email = `totp.${Date.now()}@example.com`;
    const first = await signedIn(email);
    const started = await first.send('POST', '/twofold/mfa/totp', {});
    expect(started.statusCode).toBe(201);
    const { secret } = started.json() as { secret: string };
    const confirmed = await first.send('POST', '/twofold/mfa/totp/confirm', {
      code: generateTotp({ secret, now: clock }),
    });
    expect(confirmed.statusCode).toBe(200);

    // A new sign-in a step later: the password alone leaves a half-finished sign-in.
    clock += 60_000;
    const browser = new Browser(host);
    const login = await browser.send('POST', '/twofold/auth/login', {
      email,
      password: 'correct horse battery',
    });
    expect(login.json().status).toBe('mfa_required');
    const halfway = await browser.send('GET', '/shop/orders');
    expect(halfway.statusCode).toBe(401);
    expect(halfway.json().code).toBe('UNAUTHENTICATED');

    const verified = await browser.send('POST', '/twofold/auth/mfa/verify', {
      method: 'totp',
      code: generateTotp({ secret, now: clock }),
    });
    expect(verified.statusCode).toBe(200);
    const orders = await browser.send('GET', '/shop/orders');
    expect(orders.json()).toEqual({ for: email, aal: 2 });

    // Step-up by header: a wrong code is refused, the next step's code opens the route once.
    const wrong = await browser.send('POST', '/shop/payout', {}, { 'x-totp-code': '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CODE', shopError: expect.any(String) });
    clock += 30_000;
    const code = generateTotp({ secret, now: clock });
    const paid = await browser.send('POST', '/shop/payout', {}, { 'x-totp-code': code });
    expect(paid.statusCode).toBe(200);
    const replayed = await browser.send('POST', '/shop/payout', {}, { 'x-totp-code': code });
    expect(replayed.statusCode).toBe(400);
    expect(replayed.json().code).toBe('CODE_ALREADY_USED');
  });
});

describe('an app that registers Twofold inside a prefixed scope of its own', () => {
  it('keeps the per-IP limit on the sign-in routes and no-store on the answers', async () => {
    const app = Fastify({ logger: false });
    await app.register(
      async (v1) => {
        await v1.register(twofold, {
          config: loadConfig(
            { NODE_ENV: 'test', APP_URL, RATE_LIMIT_AUTH_MAX: '2', ...ephemeralSecretEnv() },
            { log: () => {} },
          ),
          db,
          users: noUsers,
        });
      },
      { prefix: '/v1' },
    );
    try {
      const health = await app.inject({ method: 'GET', url: '/v1/twofold/health' });
      expect(health.statusCode).toBe(200);
      expect(health.headers['cache-control']).toBe('no-store');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const answer = await app.inject({
          method: 'POST',
          url: '/v1/twofold/auth/reauthenticate',
          payload: { password: 'x' },
        });
        statuses.push(answer.statusCode);
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await app.close();
    }
  });
});

describe('an app with accounts of its own', () => {
  it("mounts no Twofold registration, sign-in or password routes, and lists Twofold's routes in the app's own OpenAPI document", async () => {
    const app = Fastify({ logger: false });
    await app.register(swagger, { openapi: { info: { title: 'Shop', version: '1' } } });
    await app.register(twofold, {
      config: loadConfig({ NODE_ENV: 'test', APP_URL, ...ephemeralSecretEnv() }, { log: () => {} }),
      db,
      users: noUsers,
    });
    try {
      await app.ready();
      // The app signs its people in itself: Twofold's own account routes are not there.
      for (const url of [
        '/twofold/auth/register',
        '/twofold/auth/login',
        '/twofold/auth/password/forgot',
        '/twofold/account/email',
      ]) {
        const answer = await app.inject({ method: 'POST', url, payload: {} });
        expect(answer.statusCode, url).toBe(404);
        expect(answer.json().code, url).toBe('NOT_FOUND');
      }
      // The second step is: without a half-finished sign-in it refuses.
      const verify = await app.inject({
        method: 'POST',
        url: '/twofold/auth/mfa/verify',
        payload: { method: 'totp', code: '123456' },
      });
      expect(verify.json().code).toBe('CHALLENGE_REQUIRED');

      // One document, the app's: Twofold's routes are in it, tagged, and it serves none of its own.
      const document = app.swagger() as { paths: Record<string, unknown>; tags?: unknown };
      expect(Object.keys(document.paths)).toContain('/twofold/auth/mfa/verify');
      expect(JSON.stringify(document.paths['/twofold/health'])).toContain('"ops"');
      const docs = await app.inject({ method: 'GET', url: '/twofold/docs/json' });
      expect(docs.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe('registration', () => {
  it('refuses options it cannot use, with a message that says what is wrong', async () => {
    const app = Fastify({ logger: false });
    // @ts-expect-error: config is required
    await expect(app.register(twofold, {})).rejects.toThrow(/options\.config is required/);
    const again = Fastify({ logger: false });
    await expect(
      again.register(twofold, {
        config: loadConfig({ NODE_ENV: 'test', ...ephemeralSecretEnv() }, { log: () => {} }),
        db,
        users: noUsers,
        prefix: 'twofold/',
      }),
    ).rejects.toThrow(/prefix must be a path such as "\/twofold"/);
    // Twice on one app would mean two sets of sessions and cookies: refused.
    const twice = Fastify({ logger: false });
    const options = {
      config: loadConfig({ NODE_ENV: 'test', ...ephemeralSecretEnv() }, { log: () => {} }),
      db,
      users: noUsers,
    };
    await twice.register(twofold, options);
    await expect(twice.register(twofold, options)).rejects.toThrow(/already registered/);
    await twice.close();
  });
});
