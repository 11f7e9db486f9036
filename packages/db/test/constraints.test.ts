import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DbClient } from '../src/index.js';
import {
  accounts,
  backupCodes,
  emailCodes,
  loginChallenges,
  members,
  mfaFactors,
  mfaPolicy,
  rowsOf,
  securityEvents,
  sessions,
  trustedDevices,
} from '../src/index.js';
import { createTestDbClient } from '../src/testing.js';
import {
  CHECK_VIOLATION,
  FOREIGN_KEY_VIOLATION,
  UNIQUE_VIOLATION,
  expectSqlState,
  insertUser,
  minutesFromNow,
} from './support.js';

let client: DbClient;
let db: Database;

beforeAll(async () => {
  client = await createTestDbClient();
  db = client.db;
});

afterAll(async () => {
  await client?.close();
});

const totp = { type: 'totp', secretCiphertext: 'v1.box', secretKeyId: 'k1' } as const;

describe('members', () => {
  it('lets members share an email address, in any case (a host app may allow it)', async () => {
    const local = randomUUID();
    await db.insert(members).values([
      { id: randomUUID(), email: `${local}@x.com` },
      { id: randomUUID(), email: `${local}@x.com` },
      { id: randomUUID(), email: `${local.toUpperCase()}@X.com` },
    ]);
    expect(await db.$count(members, sql`lower(${members.email}) = ${`${local}@x.com`}`)).toBe(3);
  });

  it("takes the host app's user id as text, from 1 to 255 characters", async () => {
    await db.insert(members).values({ id: '42', email: `${randomUUID()}@example.com` });
    await db.insert(members).values({ id: 'x'.repeat(255), email: `${randomUUID()}@example.com` });
    await expectSqlState(
      db.insert(members).values({ id: '', email: `${randomUUID()}@example.com` }),
      CHECK_VIOLATION,
    );
    await expectSqlState(
      db.insert(members).values({ id: 'x'.repeat(256), email: `${randomUUID()}@example.com` }),
      CHECK_VIOLATION,
    );
  });

  it('compares user ids byte for byte (collation "C") in every column that holds one', async () => {
    // Ids are opaque: a locale's collation would only make each lookup and key check dearer.
    const columns = rowsOf<{ name: string; collation: string }>(
      await db.execute(sql`
        select 'members.id' as name, coll.collname as collation
        from pg_attribute a join pg_collation coll on coll.oid = a.attcollation
        where a.attrelid = 'twofold.members'::regclass and a.attname = 'id'
        union all
        select t.relname || '.' || a.attname, coll.collname
        from pg_constraint con
        join pg_class t on t.oid = con.conrelid
        join pg_attribute a on a.attrelid = con.conrelid and a.attnum = any (con.conkey)
        join pg_collation coll on coll.oid = a.attcollation
        where con.contype = 'f' and con.confrelid = 'twofold.members'::regclass`),
    );
    expect(columns.map((column) => column.name).sort()).toEqual([
      'accounts.user_id',
      'backup_codes.user_id',
      'email_codes.user_id',
      'login_challenges.user_id',
      'members.id',
      'mfa_factors.user_id',
      'mfa_policy.updated_by',
      'security_events.actor_id',
      'security_events.user_id',
      'sessions.user_id',
      'trusted_devices.user_id',
    ]);
    // Any column left under another collation is named in the failure.
    expect(columns.filter((column) => column.collation !== 'C')).toEqual([]);
  });

  it('rejects an unknown role', async () => {
    await expectSqlState(insertUser(db, { role: 'root' }), CHECK_VIOLATION);
  });

  it('moves updated_at on every update made through Drizzle', async () => {
    const user = await insertUser(db, { updatedAt: new Date('2020-01-01T00:00:00Z') });
    const [updated] = await db
      .update(members)
      .set({ emailVerifiedAt: new Date() })
      .where(eq(members.id, user.id))
      .returning();
    expect(updated!.updatedAt.getTime()).toBeGreaterThan(user.updatedAt.getTime());
  });

  it('rejects a negative failure counter', async () => {
    await expectSqlState(insertUser(db, { mfaFailedAttempts: -1 }), CHECK_VIOLATION);
    await expectSqlState(insertUser(db, { codeFailedAttempts: -1 }), CHECK_VIOLATION);
  });
});

describe('accounts', () => {
  it('treats emails that differ only in case as the same account', async () => {
    const local = randomUUID();
    await insertUser(db, { email: `${local.toUpperCase()}@X.com` });
    await expectSqlState(insertUser(db, { email: `${local}@x.com` }), UNIQUE_VIOLATION);
  });

  it('belongs to a member', async () => {
    await expectSqlState(
      db.insert(accounts).values({
        userId: randomUUID(),
        email: `${randomUUID()}@example.com`,
        passwordHash: 'argon2id$test',
      }),
      FOREIGN_KEY_VIOLATION,
    );
  });
});

describe('mfa_factors', () => {
  it('allows one active TOTP factor per user, beside one pending', async () => {
    const user = await insertUser(db);
    await db.insert(mfaFactors).values({ userId: user.id, ...totp, status: 'active' });
    await expectSqlState(
      db.insert(mfaFactors).values({ userId: user.id, ...totp, status: 'active' }),
      UNIQUE_VIOLATION,
    );
    await db.insert(mfaFactors).values({ userId: user.id, ...totp, status: 'pending' });
    await expectSqlState(
      db.insert(mfaFactors).values({ userId: user.id, ...totp, status: 'pending' }),
      UNIQUE_VIOLATION,
    );
    await db.insert(mfaFactors).values({ userId: user.id, type: 'email', status: 'active' });
  });

  it('requires a sealed secret for TOTP and known type and status values', async () => {
    const user = await insertUser(db);
    await expectSqlState(
      db.insert(mfaFactors).values({ userId: user.id, type: 'totp' }),
      CHECK_VIOLATION,
    );
    await expectSqlState(
      db.insert(mfaFactors).values({ userId: user.id, type: 'sms' }),
      CHECK_VIOLATION,
    );
    await expectSqlState(
      db.insert(mfaFactors).values({ userId: user.id, ...totp, status: 'disabled' }),
      CHECK_VIOLATION,
    );
  });
});

describe('backup_codes', () => {
  it('rejects a duplicate unused code but allows it again once the first is used', async () => {
    const user = await insertUser(db);
    const [first] = await db
      .insert(backupCodes)
      .values({ userId: user.id, codeHash: 'h1' })
      .returning({ id: backupCodes.id });
    await expectSqlState(
      db.insert(backupCodes).values({ userId: user.id, codeHash: 'h1' }),
      UNIQUE_VIOLATION,
    );
    await db.update(backupCodes).set({ usedAt: new Date() }).where(eq(backupCodes.id, first!.id));
    await db.insert(backupCodes).values({ userId: user.id, codeHash: 'h1' });
    // The same hash for another user is unrelated.
    const other = await insertUser(db);
    await db.insert(backupCodes).values({ userId: other.id, codeHash: 'h1' });
  });

  it('lets exactly one of 20 concurrent redemptions consume a code', async () => {
    const user = await insertUser(db);
    const [code] = await db
      .insert(backupCodes)
      .values({ userId: user.id, codeHash: 'race' })
      .returning({ id: backupCodes.id });
    const redeem = () =>
      db
        .update(backupCodes)
        .set({ usedAt: sql`now()` })
        .where(and(eq(backupCodes.id, code!.id), isNull(backupCodes.usedAt)))
        .returning({ id: backupCodes.id });
    const results = await Promise.all(Array.from({ length: 20 }, redeem));
    expect(results.flat()).toEqual([{ id: code!.id }]);
  });
});

describe('email_codes', () => {
  it('keeps one live code per user and purpose', async () => {
    const user = await insertUser(db);
    const code = { userId: user.id, codeHash: 'c', expiresAt: minutesFromNow(10) };
    const [live] = await db
      .insert(emailCodes)
      .values({ ...code, purpose: 'login' })
      .returning({ id: emailCodes.id });
    await expectSqlState(
      db.insert(emailCodes).values({ ...code, purpose: 'login' }),
      UNIQUE_VIOLATION,
    );
    await db.insert(emailCodes).values({ ...code, purpose: 'registration' });
    // Voiding the old code makes room for a new one.
    await db.update(emailCodes).set({ usedAt: new Date() }).where(eq(emailCodes.id, live!.id));
    await db.insert(emailCodes).values({ ...code, purpose: 'login' });
  });

  it('rejects an unknown purpose and negative attempts', async () => {
    const user = await insertUser(db);
    const code = { userId: user.id, codeHash: 'c', expiresAt: minutesFromNow(10) };
    await expectSqlState(
      db.insert(emailCodes).values({ ...code, purpose: 'bogus' }),
      CHECK_VIOLATION,
    );
    await expectSqlState(
      db.insert(emailCodes).values({ ...code, purpose: 'login', attempts: -1 }),
      CHECK_VIOLATION,
    );
  });

  it('keeps the new address with an email-change code, and only there', async () => {
    const user = await insertUser(db);
    const code = { userId: user.id, codeHash: 'c', expiresAt: minutesFromNow(10) };
    await expectSqlState(
      db.insert(emailCodes).values({ ...code, purpose: 'email_change' }),
      CHECK_VIOLATION,
    );
    await expectSqlState(
      db.insert(emailCodes).values({ ...code, purpose: 'login', address: 'new@example.com' }),
      CHECK_VIOLATION,
    );
    await db
      .insert(emailCodes)
      .values({ ...code, purpose: 'email_change', address: 'new@example.com' });
  });
});

describe('checks on sessions, challenges and policy', () => {
  it('rejects an unknown aal or scope', async () => {
    const user = await insertUser(db);
    const session = { userId: user.id, expiresAt: minutesFromNow(30) };
    await expectSqlState(
      db.insert(sessions).values({ ...session, tokenHash: randomUUID(), aal: 3 }),
      CHECK_VIOLATION,
    );
    await expectSqlState(
      db.insert(sessions).values({ ...session, tokenHash: randomUUID(), scope: 'admin' }),
      CHECK_VIOLATION,
    );
  });

  it('keeps session token hashes unique', async () => {
    const user = await insertUser(db);
    const session = { userId: user.id, tokenHash: randomUUID(), expiresAt: minutesFromNow(30) };
    await db.insert(sessions).values(session);
    await expectSqlState(db.insert(sessions).values(session), UNIQUE_VIOLATION);
  });

  it('rejects an unknown challenge purpose', async () => {
    const user = await insertUser(db);
    await expectSqlState(
      db.insert(loginChallenges).values({
        userId: user.id,
        tokenHash: randomUUID(),
        purpose: 'password',
        expiresAt: minutesFromNow(5),
      }),
      CHECK_VIOLATION,
    );
  });

  it('rejects an unknown policy role and an out-of-range grace period', async () => {
    await expectSqlState(db.insert(mfaPolicy).values({ role: 'guest' }), CHECK_VIOLATION);
    await expectSqlState(
      db.insert(mfaPolicy).values({ role: 'admin', graceDays: 400 }),
      CHECK_VIOLATION,
    );
  });
});

describe('deleting a member', () => {
  it('removes everything the member owns, account included, and keeps what others did', async () => {
    const user = await insertUser(db);
    const admin = await insertUser(db, { role: 'admin' });
    const [challenge] = await db
      .insert(loginChallenges)
      .values({
        userId: user.id,
        tokenHash: randomUUID(),
        purpose: 'mfa',
        expiresAt: minutesFromNow(5),
      })
      .returning({ id: loginChallenges.id });
    await db
      .insert(sessions)
      .values({ userId: user.id, tokenHash: randomUUID(), expiresAt: minutesFromNow(30) });
    await db.insert(mfaFactors).values({ userId: user.id, ...totp, status: 'active' });
    await db.insert(backupCodes).values({ userId: user.id, codeHash: 'b' });
    await db.insert(emailCodes).values({
      userId: user.id,
      purpose: 'login',
      challengeId: challenge!.id,
      codeHash: 'e',
      expiresAt: minutesFromNow(10),
    });
    await db.insert(trustedDevices).values({
      userId: user.id,
      tokenHash: randomUUID(),
      label: 'Firefox on Linux',
      expiresAt: minutesFromNow(60),
    });
    await db.insert(securityEvents).values({ userId: user.id, type: 'mfa.enabled' });
    // The user, as an admin, acted on someone else: that record outlives the actor.
    const [adminEvent] = await db
      .insert(securityEvents)
      .values({ userId: admin.id, actorId: user.id, type: 'admin.mfa_reset' })
      .returning({ id: securityEvents.id });
    await db
      .insert(mfaPolicy)
      .values({ role: 'user', required: true, updatedBy: user.id })
      .onConflictDoUpdate({ target: mfaPolicy.role, set: { updatedBy: user.id } });

    await db.delete(members).where(eq(members.id, user.id));

    const owned = await Promise.all(
      [
        accounts,
        sessions,
        loginChallenges,
        mfaFactors,
        backupCodes,
        emailCodes,
        trustedDevices,
        securityEvents,
      ].map((table) => db.$count(table, eq(table.userId, user.id))),
    );
    expect(owned).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const event = await db.query.securityEvents.findFirst({
      where: eq(securityEvents.id, adminEvent!.id),
    });
    expect(event).toMatchObject({ userId: admin.id, actorId: null });
    const policy = await db.query.mfaPolicy.findFirst({ where: eq(mfaPolicy.role, 'user') });
    expect(policy?.updatedBy).toBeNull();
  });
});
