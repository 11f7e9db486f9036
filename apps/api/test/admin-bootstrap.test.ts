import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { securityEvents, members, type DbClient } from '@twofold/db';
import { createTestDbClient } from '@twofold/db/testing';
import type { App } from '../src/app.js';
import { main } from '../src/cli/admin.js';
import {
  buildTestApp,
  Client,
  GOOD_PASSWORD,
  latestCode,
  signUp,
  testConfig,
  uniqueEmail,
} from './helpers/app.js';
import { mailedCode } from './helpers/security.js';

/**
 * Security rule: in production an account is admin only through ADMIN_EMAILS on a verified
 * address, or the operator's `admin grant` command; "the first account is admin" is a
 * development convenience.
 */

let db: DbClient;
beforeAll(async () => {
  db = await createTestDbClient();
});
afterAll(async () => {
  await db?.close();
});

const LISTED = uniqueEmail('boss');

/** An app with production's rules (the dev outbox stands in for SMTP). */
async function productionApp(): Promise<App> {
  return buildTestApp(db, {
    config: {
      ...testConfig({ ADMIN_EMAILS: `someone@example.com, ${LISTED.toUpperCase()}` }),
      env: 'production',
    },
  });
}

async function roleOf(email: string) {
  const [row] = await db.db
    .select({ role: members.role })
    .from(members)
    .where(eq(members.email, email));
  return row?.role;
}

async function eventsOf(email: string, type: string) {
  const [row] = await db.db
    .select({ id: members.id })
    .from(members)
    .where(eq(members.email, email));
  return db.db
    .select()
    .from(securityEvents)
    .where(and(eq(securityEvents.userId, row!.id), eq(securityEvents.type, type)));
}

const cli = async (argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    config: testConfig(),
    db,
    io: { out: (line) => out.push(line), err: (line) => err.push(line) },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('admins in production', () => {
  it('the first account on a fresh database is not an admin', async () => {
    // A database of its own, so this account is the very first.
    const scratch = await createTestDbClient();
    const app = await buildTestApp(scratch, { config: { ...testConfig(), env: 'production' } });
    try {
      const { user } = await signUp(app, scratch);
      expect(user.role).toBe('user');
    } finally {
      await app.close();
      await scratch.close();
    }
  });

  it('the first account is still an admin in development', async () => {
    const scratch = await createTestDbClient();
    const app = await buildTestApp(scratch);
    try {
      const { user } = await signUp(app, scratch);
      expect(user.role).toBe('admin');
    } finally {
      await app.close();
      await scratch.close();
    }
  });

  it('an address in ADMIN_EMAILS becomes admin only once it is verified', async () => {
    const app = await productionApp();
    try {
      const client = new Client(app);
      const registered = await client.post('/api/auth/register', {
        email: LISTED,
        password: GOOD_PASSWORD,
      });
      expect(registered.statusCode).toBe(201);
      // Listed but not proved: nothing yet, and signing in does not change that.
      expect(await roleOf(LISTED)).toBe('user');
      // Signing in mails a fresh code (and voids the first): verify with that one.
      const unverifiedClient = new Client(app);
      const unverified = await unverifiedClient.post('/api/auth/login', {
        email: LISTED,
        password: GOOD_PASSWORD,
      });
      expect(unverified.json().status).toBe('verification_required');
      expect(await roleOf(LISTED)).toBe('user');

      const verified = await unverifiedClient.post('/api/auth/register/verify', {
        code: await latestCode(db, LISTED),
      });
      expect(verified.statusCode, verified.body).toBe(200);
      expect(verified.json().user.role).toBe('admin');
      expect(await roleOf(LISTED)).toBe('admin');
      const [granted] = await eventsOf(LISTED, 'role.granted');
      expect(granted?.metadata).toMatchObject({ role: 'admin', via: 'ADMIN_EMAILS' });

      // An unlisted account stays a user.
      const { user } = await signUp(app, db);
      expect(user.role).toBe('user');
    } finally {
      await app.close();
    }
  });

  it('a listed address proved by a password reset, or by an earlier verification, is granted too', async () => {
    const byReset = uniqueEmail('reset-boss');
    const bySignIn = uniqueEmail('later-boss');
    const app = await buildTestApp(db, {
      config: {
        ...testConfig({ ADMIN_EMAILS: `${byReset},${bySignIn}` }),
        env: 'production',
      },
    });
    // Made before the address was listed (another configuration), and verified then.
    const before = await buildTestApp(db, { config: { ...testConfig(), env: 'production' } });
    try {
      await signUp(before, db, bySignIn);
      expect(await roleOf(bySignIn)).toBe('user');
      const signedIn = await new Client(app).post('/api/auth/login', {
        email: bySignIn,
        password: GOOD_PASSWORD,
      });
      expect(signedIn.json()).toMatchObject({ status: 'authenticated', user: { role: 'admin' } });
      expect(await eventsOf(bySignIn, 'role.granted')).toHaveLength(1);

      await new Client(app).post('/api/auth/register', { email: byReset, password: GOOD_PASSWORD });
      expect(await roleOf(byReset)).toBe('user');
      const { code } = await mailedCode(db, byReset, () =>
        new Client(app).post('/api/auth/password/forgot', { email: byReset }),
      );
      const reset = await new Client(app).post('/api/auth/password/reset', {
        email: byReset,
        code,
        password: 'a brand new passphrase',
      });
      expect(reset.statusCode, reset.body).toBe(200);
      expect(await roleOf(byReset)).toBe('admin');
    } finally {
      await before.close();
      await app.close();
    }
  });
});

describe('the admin command', () => {
  it('grants and revokes admin on a verified account, recording each as a security event', async () => {
    const app = await buildTestApp(db, { config: { ...testConfig(), env: 'production' } });
    try {
      const { email } = await signUp(app, db);
      expect(await roleOf(email)).toBe('user');

      const granted = await cli(['grant', email.toUpperCase()]);
      expect(granted).toMatchObject({ code: 0, out: `${email} is now an admin` });
      expect(await roleOf(email)).toBe('admin');
      const [event] = await eventsOf(email, 'role.granted');
      expect(event).toMatchObject({ actorId: null, metadata: { role: 'admin', via: 'cli' } });
      expect((await cli(['grant', email])).out).toBe(`${email} is already an admin`);
      expect((await cli(['list'])).out.split('\n')).toContain(email);

      const revoked = await cli(['revoke', email]);
      expect(revoked).toMatchObject({ code: 0, out: `${email} is no longer an admin` });
      expect(await roleOf(email)).toBe('user');
      expect(await eventsOf(email, 'role.revoked')).toHaveLength(1);
      expect((await cli(['list'])).out.split('\n')).not.toContain(email);
    } finally {
      await app.close();
    }
  });

  it('refuses an unknown or unverified account, and bad arguments, with a non-zero exit', async () => {
    const app = await buildTestApp(db, { config: { ...testConfig(), env: 'production' } });
    try {
      const unverified = uniqueEmail('unproved');
      await new Client(app).post('/api/auth/register', {
        email: unverified,
        password: GOOD_PASSWORD,
      });

      const unknown = await cli(['grant', uniqueEmail('nobody')]);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toMatch(/no account has the address/);
      const notProved = await cli(['grant', unverified]);
      expect(notProved.code).toBe(1);
      expect(notProved.err).toMatch(/has not verified its address/);
      expect(await roleOf(unverified)).toBe('user');
      expect(await eventsOf(unverified, 'role.granted')).toHaveLength(0);

      for (const argv of [[], ['grant'], ['promote', 'x@example.com'], ['list', 'extra']]) {
        const bad = await cli(argv);
        expect(bad.code).toBe(2);
        expect(bad.err).toMatch(/^usage: /);
      }
    } finally {
      await app.close();
    }
  });

  it('runs as its own process: the entry point answers with an exit code', async () => {
    // A usage error exits before the database opens (a cold start of the embedded database
    // costs seconds); the commands themselves are checked in-process above.
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions=@twofold/source', ADMIN_SCRIPT, 'promote', 'x@example.com'],
      { env: { ...process.env, NODE_ENV: 'test' } },
    );
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/^usage: /) });
  });
});

const ADMIN_SCRIPT = fileURLToPath(new URL('../src/cli/admin.ts', import.meta.url));
