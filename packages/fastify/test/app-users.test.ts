import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { accounts, members, mfaPolicy, securityEvents, type DbClient } from '@twofold/db';
import { createScratchDatabase, createTestDbClient } from '@twofold/db/testing';
import { generateTotp } from '@twofold/mfa-core';
import twofold, { ephemeralSecretEnv, loadConfig, type TwofoldUser } from '../src/index.js';
import { Browser } from './browser.js';

/**
 * An app with users of its own (numeric ids, its own password check) that signs them in with
 * `app.twofold.signIn`: Twofold keeps a member row per user, keyed by the app's id, and never
 * an account of its own.
 */
const APP_URL = 'http://crm.localhost:4000';
let db: DbClient;
let app: FastifyInstance;
let clock = Date.now();

/** The app's own user table. */
const people = new Map<string, TwofoldUser & { password: string }>([
  ['17', { id: '17', email: 'Ada@Example.com', role: 'user', password: 'ada secret 1' }],
  ['18', { id: '18', email: 'root@example.com', role: 'admin', password: 'root secret 1' }],
]);
const passwordChecks: string[] = [];

async function buildApp(): Promise<FastifyInstance> {
  const instance = Fastify({ logger: false });
  instance.setErrorHandler((error: FastifyError, _request, reply) => {
    reply.status(error.statusCode ?? 500).send({ crmError: error.message, code: error.code });
  });
  await instance.register(twofold, {
    config: loadConfig(
      { NODE_ENV: 'test', APP_URL, RATE_LIMIT_AUTH_MAX: '100000', ...ephemeralSecretEnv() },
      { log: () => {} },
    ),
    db,
    now: () => new Date(clock),
    users: {
      findById: async (id) => {
        const person = people.get(id);
        return person && { id: person.id, email: person.email, role: person.role };
      },
      verifyPassword: (id, password) => {
        passwordChecks.push(id);
        return people.get(id)?.password === password;
      },
    },
  });
  instance.post('/crm/login', async (request, reply) => {
    const { id, password } = request.body as { id: string; password: string };
    if (people.get(id)?.password !== password) {
      return reply.status(401).send({ crmError: 'wrong password' });
    }
    return instance.twofold.signIn(request, reply, id);
  });
  instance.post('/crm/login-as', async (request, reply) =>
    instance.twofold.signIn(request, reply, (request.body as { id: string }).id),
  );
  instance.post('/crm/logout', async (request, reply) => {
    await instance.twofold.signOut(request, reply);
    return { bye: true };
  });
  instance.get('/crm/me', { preHandler: instance.twofold.requireSession }, async (request) => ({
    userId: request.twofoldSession?.userId,
    email: request.twofoldSession?.email,
    aal: request.twofoldSession?.aal,
  }));
  await instance.ready();
  return instance;
}

const memberRow = async (id: string) =>
  (await db.db.select().from(members).where(eq(members.id, id)))[0];

beforeAll(async () => {
  db = await createTestDbClient();
  app = await buildApp();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('app.twofold.signIn, for an app with users of its own', () => {
  it('opens a session for a user without MFA, keyed by the app id, and writes no account', async () => {
    const browser = new Browser(app);
    const answer = await browser.send('POST', '/crm/login', { id: '17', password: 'ada secret 1' });
    expect(answer.statusCode, answer.body).toBe(200);
    // It sets cookies and names the user: never kept by a cache.
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.json()).toMatchObject({
      status: 'authenticated',
      user: { id: '17', email: 'ada@example.com', role: 'user', mfaEnabled: false },
    });
    const me = await browser.send('GET', '/crm/me');
    expect(me.json()).toEqual({ userId: '17', email: 'ada@example.com', aal: 1 });
    // Twofold's own session route answers for the same session.
    const session = await browser.send('GET', '/twofold/auth/session');
    expect(session.json().user).toMatchObject({ id: '17', emailVerified: true });

    const member = await memberRow('17');
    expect(member).toMatchObject({ email: 'ada@example.com', role: 'user' });
    expect(member?.emailVerifiedAt).not.toBeNull();
    expect(await db.db.select().from(accounts)).toEqual([]);
    const [event] = await db.db
      .select()
      .from(securityEvents)
      .where(eq(securityEvents.userId, '17'));
    expect(event?.type).toBe('login.succeeded');
  });

  it("follows the app's address and role at every sign-in", async () => {
    people.set('17', { ...people.get('17')!, email: 'ada.new@example.com', role: 'admin' });
    try {
      const browser = new Browser(app);
      await browser.send('POST', '/crm/login-as', { id: '17' });
      expect(await memberRow('17')).toMatchObject({ email: 'ada.new@example.com', role: 'admin' });
      // The app's admins open Twofold's admin routes.
      const list = await browser.send('GET', '/twofold/admin/users');
      expect(list.statusCode).toBe(200);
    } finally {
      people.set('17', { ...people.get('17')!, email: 'Ada@Example.com', role: 'user' });
    }
    await new Browser(app).send('POST', '/crm/login-as', { id: '17' });
    expect(await memberRow('17')).toMatchObject({ email: 'ada@example.com', role: 'user' });
  });

  it("refuses an id the app does not know, in the app's error format, and writes nothing", async () => {
    const answer = await new Browser(app).send('POST', '/crm/login-as', { id: '999' });
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      crmError: expect.any(String),
    });
    expect(await memberRow('999')).toBeUndefined();
  });

  it("asks for the second step once MFA is on, and step-up checks the app's own password", async () => {
    const browser = new Browser(app);
    await browser.send('POST', '/crm/login', { id: '18', password: 'root secret 1' });
    const started = await browser.send('POST', '/twofold/mfa/totp', {});
    expect(started.statusCode).toBe(201);
    const { secret } = started.json() as { secret: string };
    const confirmed = await browser.send('POST', '/twofold/mfa/totp/confirm', {
      code: generateTotp({ secret, now: clock }),
    });
    expect(confirmed.statusCode).toBe(200);

    const again = new Browser(app);
    const first = await again.send('POST', '/crm/login', { id: '18', password: 'root secret 1' });
    expect(first.json()).toMatchObject({
      status: 'mfa_required',
      methods: ['totp', 'backup_code'],
    });
    expect((await again.send('GET', '/crm/me')).statusCode).toBe(401);
    clock += 30_000;
    const verified = await again.send('POST', '/twofold/auth/mfa/verify', {
      method: 'totp',
      code: generateTotp({ secret, now: clock }),
    });
    expect(verified.statusCode).toBe(200);
    expect((await again.send('GET', '/crm/me')).json()).toMatchObject({ userId: '18', aal: 2 });

    // "Confirm it's you" asks the app whether the password is right.
    passwordChecks.length = 0;
    const wrong = await again.send('POST', '/twofold/auth/reauthenticate', {
      password: 'not it',
      method: 'totp',
      code: '000000',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    expect(passwordChecks).toEqual(['18']);
    clock += 30_000;
    const right = await again.send('POST', '/twofold/auth/reauthenticate', {
      password: 'root secret 1',
      method: 'totp',
      code: generateTotp({ secret, now: clock }),
    });
    expect(right.statusCode).toBe(200);
  });

  it('signs out through the app or through Twofold', async () => {
    for (const url of ['/crm/logout', '/twofold/auth/logout']) {
      const browser = new Browser(app);
      await browser.send('POST', '/crm/login', { id: '17', password: 'ada secret 1' });
      expect((await browser.send('GET', '/crm/me')).statusCode).toBe(200);
      const out = await browser.send('POST', url, {});
      expect(out.statusCode, url).toBe(200);
      expect((await browser.send('GET', '/crm/me')).statusCode, url).toBe(401);
    }
  });
});

describe('the users option', () => {
  const config = () =>
    loadConfig({ NODE_ENV: 'test', APP_URL, ...ephemeralSecretEnv() }, { log: () => {} });

  it('is required without the built-in accounts, and not allowed with them', async () => {
    await expect(Fastify().register(twofold, { config: config(), db })).rejects.toThrow(
      /options\.users is required: \{ findById\(id\), verifyPassword\(id, password\) \}/,
    );
    await expect(
      Fastify().register(twofold, {
        config: config(),
        db,
        // @ts-expect-error: verifyPassword is missing
        users: { findById: () => null },
      }),
    ).rejects.toThrow(/options\.users is required/);
    await expect(
      Fastify().register(twofold, {
        config: config(),
        db,
        accounts: true,
        users: { findById: () => null, verifyPassword: () => false },
      }),
    ).rejects.toThrow(/either accounts: true .* or options\.users/);
  });

  it("reports a findById answer of the wrong shape as the app's bug, and stores nothing", async () => {
    const broken = Fastify({ logger: false });
    await broken.register(twofold, {
      config: config(),
      db,
      users: {
        findById: (id) => ({
          id: id === 'x' ? 'y' : id,
          email: id === 'z' ? 'no-at-sign' : 'a@b.c',
        }),
        verifyPassword: () => true,
      },
    });
    broken.post('/login', async (request, reply) =>
      broken.twofold.signIn(request, reply, (request.body as { id: string }).id),
    );
    try {
      for (const id of ['x', 'z']) {
        const answer = await broken.inject({ method: 'POST', url: '/login', payload: { id } });
        expect(answer.statusCode, id).toBe(500);
        expect(await memberRow(id)).toBeUndefined();
      }
    } finally {
      await broken.close();
    }
  });
});

describe('the mailer and policy options', () => {
  const config = () =>
    loadConfig(
      { NODE_ENV: 'test', APP_URL, APP_NAME: 'Corner CRM', ...ephemeralSecretEnv() },
      { log: () => {} },
    );
  const users = {
    findById: (id: string) => (id === '17' ? { id, email: 'ada@example.com' } : null),
    verifyPassword: () => true,
  };

  async function withApp(
    options: Partial<Parameters<typeof twofold>[1]>,
    use: (instance: FastifyInstance, fresh: DbClient) => Promise<void>,
  ) {
    const fresh = await createTestDbClient();
    const instance = Fastify({ logger: false });
    try {
      await instance.register(twofold, { config: config(), db: fresh, users, ...options });
      instance.post('/login', async (request, reply) =>
        instance.twofold.signIn(request, reply, '17'),
      );
      await instance.ready();
      await use(instance, fresh);
    } finally {
      await instance.close();
      await fresh.close();
    }
  }

  it("sends through the app's own transport, and answers MAIL_UNAVAILABLE when it refuses", async () => {
    const sent: { from: string; to: string; subject: string; text: string }[] = [];
    let refuse = true;
    const mailer = {
      sendMail: async (message: { from: string; to: string; subject: string; text: string }) => {
        if (refuse) throw new Error('relay refused');
        sent.push(message);
      },
    };
    await withApp({ mailer }, async (instance) => {
      const login = await instance.inject({ method: 'POST', url: '/login' });
      const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const refused = await instance.inject({
        method: 'POST',
        url: '/twofold/mfa/email',
        payload: {},
        headers: { cookie },
      });
      expect(refused.statusCode).toBe(503);
      expect(refused.json().code).toBe('MAIL_UNAVAILABLE');
      expect(sent).toEqual([]);
      refuse = false;
      const started = await instance.inject({
        method: 'POST',
        url: '/twofold/mfa/email',
        payload: {},
        headers: { cookie },
      });
      expect(started.statusCode).toBe(201);
      expect(sent).toEqual([
        expect.objectContaining({
          from: 'Corner CRM <no-reply@twofold.localhost>',
          to: 'ada@example.com',
          // Signed with the app's name (APP_NAME).
          text: expect.stringContaining('— Corner CRM'),
        }),
      ]);
    });
  });

  it('writes the initial policy once, and never over what an admin set later', async () => {
    const policy = { user: { required: true, graceDays: 0 } };
    await withApp({ policy }, async (instance, fresh) => {
      const login = await instance.inject({ method: 'POST', url: '/login' });
      expect(login.json().status).toBe('mfa_setup_required');
      // An admin turns it off; a restart with the same option leaves that alone.
      await fresh.db.update(mfaPolicy).set({ required: false, requiredSince: null });
      const restarted = Fastify({ logger: false });
      await restarted.register(twofold, { config: config(), db: fresh, users, policy });
      await restarted.close();
      const [row] = await fresh.db.select().from(mfaPolicy).where(eq(mfaPolicy.role, 'user'));
      expect(row?.required).toBe(false);
    });
  });

  it('refuses a policy it cannot use, naming the problem', async () => {
    const cases: [unknown, RegExp][] = [
      [{ owner: { required: true } }, /unknown role "owner"/],
      [{ user: { required: 'yes' } }, /user\.required must be true or false/],
      [{ admin: { required: true, graceDays: 400 } }, /admin\.graceDays must be a whole number/],
    ];
    for (const [policy, message] of cases) {
      await expect(
        Fastify().register(twofold, {
          config: config(),
          db,
          users,
          policy: policy as never,
        }),
      ).rejects.toThrow(message);
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)("an app's own postgres.js client", () => {
  it('carries Twofold, and stays open after the app closes Twofold', async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!);
    const appSql = postgres(scratch.url, { max: 2, onnotice: () => {} });
    try {
      const instance = Fastify({ logger: false });
      await instance.register(twofold, {
        config: loadConfig(
          { NODE_ENV: 'test', APP_URL, ...ephemeralSecretEnv() },
          { log: () => {} },
        ),
        db: appSql,
        users: { findById: (id) => ({ id, email: 'ada@example.com' }), verifyPassword: () => true },
      });
      instance.post('/login', async (request, reply) =>
        instance.twofold.signIn(request, reply, 'a-17'),
      );
      const login = await instance.inject({ method: 'POST', url: '/login' });
      expect(login.json().status).toBe('authenticated');
      await instance.close();
      expect(await appSql`select id from twofold.members`).toEqual([{ id: 'a-17' }]);
    } finally {
      await appSql.end();
      await scratch.drop();
    }
  });
});
