import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { accounts, emailCodes, members, securityEvents } from '@twofold/db';
import { isUniqueViolation, contextOf } from '@twofold/fastify/internal';
import {
  buildTestApp,
  Client,
  GOOD_PASSWORD,
  latestCode,
  latestMail,
  signUp,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';

const ctx = useTestApp();

async function register(email = uniqueEmail()) {
  const client = new Client(ctx.app);
  const response = await client.post('/api/auth/register', { email, password: GOOD_PASSWORD });
  return { client, email, response };
}

const eventTypes = async (userId: string) =>
  (await ctx.db.db.select().from(securityEvents).where(eq(securityEvents.userId, userId))).map(
    (e) => e.type,
  );

describe('registration', () => {
  it('emails a 6-digit code, verifies it and signs the account in', async () => {
    const { client, email, response } = await register();
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.status).toBe('verification_required');
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(body.resendAvailableAt) - Date.now()).toBeGreaterThan(50_000);
    expect(client.cookies.has('twofold_pending')).toBe(true);
    expect(client.cookies.has('twofold_session')).toBe(false);

    const mail = await latestMail(ctx.db, email);
    expect(mail?.text).toMatch(/\b\d{6}\b/);
    expect(mail?.html).toMatch(/\b\d{6}\b/);

    const verified = await client.post('/api/auth/register/verify', {
      code: await latestCode(ctx.db, email),
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({
      status: 'authenticated',
      user: { email, emailVerified: true, mfaEnabled: false },
    });
    expect(client.cookies.has('twofold_pending')).toBe(false);

    const session = await client.get('/api/auth/session');
    expect(session.statusCode).toBe(200);
    expect(session.json().session).toMatchObject({ aal: 1, amr: ['pwd'] });
    const [row] = await ctx.db.db.select().from(members).where(eq(members.email, email));
    expect(row?.emailVerifiedAt).not.toBeNull();
    const [account] = await ctx.db.db.select().from(accounts).where(eq(accounts.userId, row!.id));
    expect(account?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await eventTypes(row!.id)).toEqual(
      expect.arrayContaining(['user.registered', 'email.verified']),
    );
  });

  it('stores the email lower-cased and refuses a second account for the same address in any case', async () => {
    const email = uniqueEmail('Mixed.Case');
    const first = await register(email.toUpperCase());
    expect(first.response.statusCode).toBe(201);
    const rows = await ctx.db.db
      .select()
      .from(members)
      .where(eq(members.email, email.toLowerCase()));
    expect(rows).toHaveLength(1);
    await register(email.toLowerCase());
    expect(
      await ctx.db.db.select().from(members).where(eq(members.email, email.toLowerCase())),
    ).toHaveLength(1);
  });

  it('answers concurrent sign-ups for one new address alike: one account, no 5xx', async () => {
    // Several rounds: the losers of the account race also race each other for the decoy code,
    // and on PostgreSQL a single round only sometimes lines them up.
    let email = '';
    for (let round = 0; round < 8; round += 1) {
      email = uniqueEmail('race');
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          new Client(ctx.app).post('/api/auth/register', { email, password: GOOD_PASSWORD }),
        ),
      );
      expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201]);
      expect(await ctx.db.db.select().from(members).where(eq(members.email, email))).toHaveLength(
        1,
      );
    }

    // Now the address exists: concurrent sign-ups race for its decoy code, and still all answer
    // as for a new address (a refusal here would tell that the account exists).
    const again = await Promise.all(
      Array.from({ length: 4 }, () =>
        new Client(ctx.app).post('/api/auth/register', { email, password: GOOD_PASSWORD }),
      ),
    );
    expect(again.map((a) => a.statusCode)).toEqual([201, 201, 201, 201]);
  });

  it("recognises the duplicate address a sign-up race meets behind Drizzle's error wrapper", async () => {
    const email = uniqueEmail('dup');
    await contextOf(ctx.app).users.create(email, 'not a real hash');
    const error: unknown = await contextOf(ctx.app)
      .users.create(email, 'not a real hash')
      .catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('something else'))).toBe(false);
  });

  it('answers a sign-up for an existing address exactly like a new one, and tells the owner instead', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    const fresh = await register();
    const duplicate = await register(email);
    expect(duplicate.response.statusCode).toBe(fresh.response.statusCode);
    expect(Object.keys(duplicate.response.json()).sort()).toEqual(
      Object.keys(fresh.response.json()).sort(),
    );
    expect(duplicate.response.json().status).toBe('verification_required');
    expect(duplicate.client.cookies.has('twofold_pending')).toBe(true);

    const notice = await latestMail(ctx.db, email);
    expect(notice?.subject).toMatch(/tried to create/);
    expect(notice?.text).not.toMatch(/\b\d{6}\b/);
    // No code exists that the duplicate's cookie could complete.
    const verify = await duplicate.client.post('/api/auth/register/verify', { code: '000000' });
    expect(verify.statusCode).toBe(400);
    expect(verify.json().code).toBe('INVALID_CODE');
  });

  it('enforces the 60-second resend cooldown and voids the old code on resend', async () => {
    const { client, email } = await register();
    const oldCode = await latestCode(ctx.db, email);

    const tooSoon = await client.post('/api/auth/register/resend');
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.json()).toMatchObject({ code: 'RESEND_TOO_SOON' });
    expect(tooSoon.json().retryAfter).toBeGreaterThan(50);
    expect(tooSoon.headers['retry-after']).toBeDefined();

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    const resent = await client.post('/api/auth/register/resend');
    expect(resent.statusCode).toBe(200);
    const newCode = await latestCode(ctx.db, email);
    const live = await ctx.db.db
      .select()
      .from(emailCodes)
      .where(eq(emailCodes.purpose, 'registration'));
    const [user] = await ctx.db.db.select().from(members).where(eq(members.email, email));
    expect(live.filter((c) => c.userId === user!.id && c.usedAt === null)).toHaveLength(1);

    if (oldCode !== newCode) {
      const stale = await client.post('/api/auth/register/verify', { code: oldCode });
      expect(stale.json().code).toBe('INVALID_CODE');
    }
    const ok = await client.post('/api/auth/register/verify', { code: newCode });
    expect(ok.statusCode).toBe(200);
  });

  it('allows 5 wrong tries per code, then voids it', async () => {
    const { client, email } = await register();
    const code = await latestCode(ctx.db, email);
    const wrong = code === '111111' ? '222222' : '111111';
    const left: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await client.post('/api/auth/register/verify', { code: wrong });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('INVALID_CODE');
      left.push(response.json().attemptsLeft);
    }
    expect(left).toEqual([4, 3, 2, 1]);
    const fifth = await client.post('/api/auth/register/verify', { code: wrong });
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().code).toBe('TOO_MANY_ATTEMPTS');
    // The 5th wrong code in a row also starts the account's backoff (1 s): wait it out.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 1_001);
    const right = await client.post('/api/auth/register/verify', { code });
    expect(right.json().code).toBe('CODE_EXPIRED');
    expect(client.cookies.has('twofold_session')).toBe(false);
  });

  it('refuses a code after its 15 minutes', async () => {
    const { client, email } = await register();
    const code = await latestCode(ctx.db, email);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 15 * 60_000 + 1_000);
    const response = await client.post('/api/auth/register/verify', { code });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('VERIFICATION_NOT_PENDING');
  });

  it('binds a code to its own sign-up: another pending cookie cannot use it', async () => {
    const a = await register();
    const b = await register();
    const codeA = await latestCode(ctx.db, a.email);
    const crossed = await b.client.post('/api/auth/register/verify', { code: codeA });
    expect(crossed.statusCode).toBe(400);
    expect(['INVALID_CODE', 'CODE_EXPIRED']).toContain(crossed.json().code);
    expect((await a.client.post('/api/auth/register/verify', { code: codeA })).statusCode).toBe(
      200,
    );
  });

  it('needs the pending cookie to verify or resend', async () => {
    const client = new Client(ctx.app);
    for (const url of ['/api/auth/register/verify', '/api/auth/register/resend']) {
      const response = await client.post(
        url,
        url.endsWith('verify') ? { code: '123456' } : undefined,
      );
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('VERIFICATION_NOT_PENDING');
    }
  });

  it('makes an address listed in ADMIN_EMAILS an admin', async () => {
    const email = uniqueEmail('boss');
    const adminApp = await buildTestApp(ctx.db, {
      env: { ADMIN_EMAILS: `other@example.com, ${email.toUpperCase()}` },
    });
    try {
      const { user } = await signUp(adminApp, ctx.db, email);
      expect(user.role).toBe('admin');
      const { user: plain } = await signUp(adminApp, ctx.db);
      expect(plain.role).toBe('user');
    } finally {
      await adminApp.close();
    }
  });
});
