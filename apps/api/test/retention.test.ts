import { eq, gte, lt, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  devOutbox,
  emailCodes,
  loginChallenges,
  mfaFactors,
  noticeCooldowns,
  RETENTION_KINDS,
  RETENTION_LOCK_KEY,
  securityEvents,
  sessions,
  trustedDevices,
  members,
  type Database,
} from '@twofold/db';
import { buildApp } from '../src/app.js';
import { main as sweepCommand } from '../src/cli/sweep.js';
import { ephemeralSecretEnv } from '@twofold/fastify';
import { createRetention, type RetentionLog, contextOf } from '@twofold/fastify/internal';
import {
  Client,
  currentSessionId,
  GOOD_PASSWORD,
  latestCode,
  signUp,
  testConfig,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';
import { nextStep } from './helpers/mfa.js';
import { passwordStep, signInWithTotp, totpAt, totpUser } from './helpers/security.js';

// Mail and events are kept one day here, so one faked day shows them go too.
const RETENTION_ENV = { DEV_OUTBOX_RETENTION_DAYS: '1', SECURITY_EVENT_RETENTION_DAYS: '1' };
const ctx = useTestApp({ env: RETENTION_ENV });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Each case starts from empty tables, so every row a sweep sees is one the case made.
beforeEach(async () => {
  await ctx.db.db.execute(sql`delete from twofold.members`);
  await ctx.db.db.execute(sql`delete from twofold.security_events`);
  await ctx.db.db.execute(sql`delete from twofold.dev_outbox`);
  await ctx.db.db.execute(sql`delete from twofold.notice_cooldowns`);
});

/** `db` whose transactions fail while `state.down` (the database is away). */
function flakyDatabase(db: Database, state: { down: boolean }): Database {
  return Object.create(db, {
    transaction: {
      value: (...args: Parameters<Database['transaction']>) =>
        state.down
          ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'))
          : db.transaction(...args),
    },
  }) as Database;
}

/** A log that keeps what it is told. */
function recordingLog() {
  const lines: { level: string; object: object; message: string }[] = [];
  const log: RetentionLog = {
    info: (object, message) => lines.push({ level: 'info', object, message }),
    warn: (object, message) => lines.push({ level: 'warn', object, message }),
    debug: (object, message) => lines.push({ level: 'debug', object, message }),
  };
  return { log, lines };
}

async function count(table: typeof sessions | typeof devOutbox, where = sql`true`) {
  const [row] = await ctx.db.db
    .select({ n: sql<number>`count(*)::int` })
    .from(table as typeof sessions)
    .where(where);
  return Number(row!.n);
}

async function oldMail(db: Database, ageMs: number) {
  await db.insert(devOutbox).values({
    to: 'someone@example.com',
    subject: 'old',
    text: 'old',
    html: 'old',
    createdAt: new Date(Date.now() - ageMs),
  });
}

describe('the retention sweep, a day later', () => {
  it('deletes what ended more than an hour ago and leaves every live code, session, device, pending factor, verified account and recent event', async () => {
    const { app, db } = ctx;
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = nextStep();
    vi.setSystemTime(t0);

    // Day 0: a verified account with a TOTP setup left pending; an account never verified; a
    // TOTP user with one trusted browser forgotten and one still trusted.
    const old = await signUp(app, db);
    expect((await old.client.post('/api/mfa/totp', {})).statusCode).toBe(201);
    const unverifiedOld = uniqueEmail('never');
    const registered = await new Client(app).post('/api/auth/register', {
      email: unverifiedOld,
      password: GOOD_PASSWORD,
    });
    expect(registered.statusCode).toBe(201);
    const totp = await totpUser(app, db);
    vi.setSystemTime(nextStep());
    const forgotten = await signInWithTotp(app, totp, { trustDevice: true });
    expect(
      (await forgotten.request({ method: 'DELETE', url: '/api/mfa/trusted-devices' })).statusCode,
    ).toBe(200);
    vi.setSystemTime(nextStep());
    const trusted = await signInWithTotp(app, totp, { trustDevice: true });
    expect((await trusted.post('/api/auth/logout')).statusCode).toBe(200);
    await db.db
      .insert(noticeCooldowns)
      .values([{ recipient: 'old@example.com', kind: 'signup_attempt', sentAt: new Date() }]);

    // A day and an hour later: fresh activity, all of it live.
    const t1 = t0 + DAY + HOUR;
    vi.setSystemTime(t1);
    const young = await signUp(app, db);
    const pendingTotp = await young.client.post('/api/mfa/totp', {});
    expect(pendingTotp.statusCode).toBe(201);
    const unverifiedYoung = uniqueEmail('pending');
    const pendingBrowser = new Client(app);
    await pendingBrowser.post('/api/auth/register', {
      email: unverifiedYoung,
      password: GOOD_PASSWORD,
    });
    expect((await passwordStep(app, totp.email, totp.password, trusted)).body.status).toBe(
      'authenticated',
    );
    await db.db
      .insert(noticeCooldowns)
      .values([{ recipient: 'recent@example.com', kind: 'signup_attempt', sentAt: new Date() }]);
    const liveSessions = [
      await currentSessionId(young.client),
      await currentSessionId(trusted),
    ].sort();

    vi.setSystemTime(t1 + 60_000);
    const outcome = await contextOf(app).retention.sweep();

    expect(outcome.status).toBe('done');
    for (const kind of RETENTION_KINDS) {
      expect(outcome.counts[kind], kind).toBeGreaterThan(0);
    }
    const before = new Date(t1);
    // Nothing from day 0 is left but the verified accounts, the active factor and the live
    // trusted browser; everything from today is.
    const remainingSessions = await db.db.select({ id: sessions.id }).from(sessions);
    expect(remainingSessions.map((row) => row.id).sort()).toEqual(liveSessions);
    expect(await count(devOutbox, lt(devOutbox.createdAt, before))).toBe(0);
    expect(await count(devOutbox, gte(devOutbox.createdAt, before))).toBeGreaterThan(0);
    const events = await db.db.select({ createdAt: securityEvents.createdAt }).from(securityEvents);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.createdAt >= before)).toBe(true);
    const codes = await db.db.select({ createdAt: emailCodes.createdAt }).from(emailCodes);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((code) => code.createdAt >= before)).toBe(true);
    const challenges = await db.db
      .select({ createdAt: loginChallenges.createdAt })
      .from(loginChallenges);
    expect(challenges.every((challenge) => challenge.createdAt >= before)).toBe(true);
    const accounts = await db.db.select({ email: members.email }).from(members);
    expect(accounts.map((row) => row.email).sort()).toEqual(
      [old.email, totp.email, young.email, unverifiedYoung].sort(),
    );
    const factors = await db.db
      .select({ userId: mfaFactors.userId, status: mfaFactors.status })
      .from(mfaFactors);
    expect(factors).toHaveLength(2);
    expect(factors).toEqual(
      expect.arrayContaining([
        { userId: totp.user.id, status: 'active' },
        { userId: young.user.id, status: 'pending' },
      ]),
    );
    const devices = await db.db
      .select({ revokedAt: trustedDevices.revokedAt })
      .from(trustedDevices);
    expect(devices).toEqual([{ revokedAt: null }]);
    const cooldowns = await db.db
      .select({ recipient: noticeCooldowns.recipient })
      .from(noticeCooldowns);
    expect(cooldowns).toEqual([{ recipient: 'recent@example.com' }]);

    // What stayed still works: the sessions, the trusted browser, the pending setup and the
    // code mailed to the account not yet verified.
    expect((await young.client.get('/api/auth/session')).statusCode).toBe(200);
    expect((await trusted.get('/api/auth/session')).statusCode).toBe(200);
    const { secret } = pendingTotp.json() as { secret: string };
    const confirmed = await young.client.post('/api/mfa/totp/confirm', { code: totpAt(secret) });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const verified = await pendingBrowser.post('/api/auth/register/verify', {
      code: await latestCode(db, unverifiedYoung),
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect((await passwordStep(app, totp.email, totp.password, trusted)).body.status).toBe(
      'authenticated',
    );
  });

  it('keeps an account never verified while it is younger than the setting', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    const email = uniqueEmail('slow');
    await new Client(ctx.app).post('/api/auth/register', { email, password: GOOD_PASSWORD });

    vi.setSystemTime(t0 + 23 * HOUR);
    expect((await contextOf(ctx.app).retention.sweep()).counts.unverifiedAccounts).toBe(0);
    vi.setSystemTime(t0 + 25 * HOUR);
    expect((await contextOf(ctx.app).retention.sweep()).counts.unverifiedAccounts).toBe(1);
    const rows = await ctx.db.db.select().from(members).where(eq(members.email, email));
    expect(rows).toEqual([]);
  });
});

describe('running the sweep', () => {
  it('deletes in batches until one comes back short', async () => {
    for (let i = 0; i < 7; i += 1) await oldMail(ctx.db.db, 2 * DAY);
    const { log } = recordingLog();
    const retention = createRetention({
      db: ctx.db.db,
      config: testConfig(RETENTION_ENV),
      now: () => new Date(),
      log,
      batchSize: 2,
    });
    const outcome = await retention.sweep();
    expect(outcome.counts.devOutbox).toBe(7);
    expect(await count(devOutbox)).toBe(0);
  });

  it('runs one sweep at a time: a second one asked for meanwhile skips', async () => {
    await oldMail(ctx.db.db, 2 * DAY);
    const [first, second] = await Promise.all([
      contextOf(ctx.app).retention.sweep(),
      contextOf(ctx.app).retention.sweep(),
    ]);
    expect(first).toMatchObject({ status: 'done', counts: { devOutbox: 1 } });
    expect(second).toMatchObject({ status: 'skipped', reason: 'running' });
    expect((await contextOf(ctx.app).retention.sweep()).status).toBe('done');
  });

  it('logs one line with the counts per kind, and nothing of the rows', async () => {
    await oldMail(ctx.db.db, 2 * DAY);
    const { log, lines } = recordingLog();
    const retention = createRetention({
      db: ctx.db.db,
      config: testConfig(RETENTION_ENV),
      now: () => new Date(),
      log,
    });
    await retention.sweep();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      message: 'retention sweep',
      object: { deleted: { devOutbox: 1, sessions: 0 } },
    });
    expect(JSON.stringify(lines)).not.toContain('someone@example.com');
  });

  it('logs a failed run as a warning and never rejects; the next run sweeps', async () => {
    await oldMail(ctx.db.db, 2 * DAY);
    const { log, lines } = recordingLog();
    // The database is away for the first run.
    const state = { down: true };
    const retention = createRetention({
      db: flakyDatabase(ctx.db.db, state),
      config: testConfig(RETENTION_ENV),
      now: () => new Date(),
      log,
    });

    await expect(retention.run()).resolves.toBeUndefined();
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', message: expect.stringContaining('failed') }),
    ]);
    state.down = false;
    expect(await retention.run()).toMatchObject({ status: 'done', counts: { devOutbox: 1 } });
  });

  // On PGlite nothing else can hold the lock (one connection); on a server another can.
  it.skipIf(!process.env.DATABASE_URL)(
    'skips while another instance holds the sweep lock',
    async () => {
      await oldMail(ctx.db.db, 2 * DAY);
      let release!: () => void;
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const other = ctx.db.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${RETENTION_LOCK_KEY})`);
        holding();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await held;
      try {
        expect(await contextOf(ctx.app).retention.sweep()).toMatchObject({
          status: 'skipped',
          reason: 'locked',
          counts: { devOutbox: 0 },
        });
      } finally {
        release();
        await other;
      }
      expect((await contextOf(ctx.app).retention.sweep()).counts.devOutbox).toBe(1);
    },
  );
});

describe('the periodic sweep', () => {
  let closeAll: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closeAll) await close();
    closeAll = [];
  });

  it('runs on its interval in the app, survives a lost database, and stops when the app closes', async () => {
    const state = { down: false };
    const lines: { level: number; msg: string }[] = [];
    const app = await buildApp({
      // 0.001 minutes: every 60 ms.
      config: testConfig({ RETENTION_SWEEP_MINUTES: '0.001' }),
      db: { ...ctx.db, db: flakyDatabase(ctx.db.db, state) },
      logger: {
        level: 'info',
        stream: { write: (line: string) => void lines.push(JSON.parse(line)) },
      },
    });
    closeAll.push(() => app.close());
    const swept = () => lines.filter((line) => line.msg === 'retention sweep').length;

    await vi.waitFor(() => expect(swept()).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
    state.down = true;
    await vi.waitFor(
      () => expect(lines.some((line) => line.level === 40 && /failed/.test(line.msg))).toBe(true),
      { timeout: 5_000 },
    );
    await app.close();
    const after = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.length).toBe(after);
  });

  it('runs none when RETENTION_SWEEP_MINUTES is 0 (the default under NODE_ENV=test)', async () => {
    expect(testConfig().retentionSweepMs).toBe(0);
    const lines: string[] = [];
    const app = await buildApp({
      config: testConfig({ RETENTION_SWEEP_MINUTES: '0' }),
      db: ctx.db,
      logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
    });
    closeAll.push(() => app.close());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.filter((line) => line.includes('retention sweep'))).toEqual([]);
  });
});

describe('the sweep command', () => {
  const env = () => ({ NODE_ENV: 'test', ...ephemeralSecretEnv(), ...RETENTION_ENV });

  it('runs one sweep on the configured database, prints the counts and exits 0', async () => {
    await oldMail(ctx.db.db, 2 * DAY);
    await oldMail(ctx.db.db, 2 * DAY);
    const out: string[] = [];
    const code = await sweepCommand({ env: env(), db: ctx.db, out: (line) => out.push(line) });
    expect(code).toBe(0);
    expect(out).toContain('devOutbox           2');
    expect(out).toContain('sessions            0');
    expect(out.at(-1)).toMatch(/^deleted 2 rows in \d+ ms$/);
    expect(await count(devOutbox)).toBe(0);
  });

  it('exits 1 with the reason when the configuration is wrong', async () => {
    const err: string[] = [];
    const code = await sweepCommand({
      env: { ...env(), RETENTION_SWEEP_MINUTES: 'soon' },
      db: ctx.db,
      err: (line) => err.push(line),
    });
    expect(code).toBe(1);
    expect(err).toEqual([expect.stringContaining('RETENTION_SWEEP_MINUTES')]);
  });

  it('exits 1 with the reason when the database fails', async () => {
    const down = { ...ctx.db, db: flakyDatabase(ctx.db.db, { down: true }) };
    const err: string[] = [];
    const code = await sweepCommand({ env: env(), db: down, err: (line) => err.push(line) });
    expect(code).toBe(1);
    expect(err).toEqual(['twofold sweep: the sweep failed: connect ECONNREFUSED 127.0.0.1:5432']);
  });
});
