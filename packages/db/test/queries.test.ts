import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DbClient, Queries } from '../src/index.js';
import { createQueries, mfaFactors, mfaPolicy, sessions } from '../src/index.js';
import { createTestDbClient } from '../src/testing.js';
import { insertUser, minutesFromNow } from './support.js';

let client: DbClient;
let db: Database;
let queries: Queries;

beforeAll(async () => {
  client = await createTestDbClient();
  db = client.db;
  queries = createQueries(db);
});

afterAll(async () => {
  await client?.close();
});

async function insertSession(userId: string) {
  const tokenHash = randomUUID();
  const [session] = await db
    .insert(sessions)
    .values({ userId, tokenHash, aal: 2, amr: ['pwd', 'otp'], expiresAt: minutesFromNow(720) })
    .returning();
  return session!;
}

describe('userByEmail', () => {
  it('finds a user whatever the case of the address', async () => {
    const local = randomUUID();
    const user = await insertUser(db, { email: `${local}@example.com` });
    await expect(
      queries.userByEmail.execute({ email: `${local.toUpperCase()}@Example.COM` }),
    ).resolves.toEqual(user);
    await expect(queries.userByEmail.execute({ email: `${local}@example.com` })).resolves.toEqual(
      user,
    );
  });

  it('returns undefined for an unknown address', async () => {
    await expect(
      queries.userByEmail.execute({ email: 'nobody@example.com' }),
    ).resolves.toBeUndefined();
  });
});

describe('sessionByTokenHash', () => {
  it('returns the session joined with its user', async () => {
    const user = await insertUser(db, {
      role: 'admin',
      emailVerifiedAt: new Date('2030-01-02T03:04:05Z'),
    });
    const session = await insertSession(user.id);
    const found = await queries.sessionByTokenHash.execute({ tokenHash: session.tokenHash });
    expect(found).toEqual({
      id: session.id,
      userId: user.id,
      aal: 2,
      amr: ['pwd', 'otp'],
      scope: 'full',
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      expiresAt: session.expiresAt,
      reauthenticatedAt: null,
      revokedAt: null,
      email: user.email,
      role: 'admin',
      emailVerifiedAt: new Date('2030-01-02T03:04:05Z'),
      userCreatedAt: user.createdAt,
      mfaEnabled: false,
      policy: null,
    });
    expect(found?.createdAt).toBeInstanceOf(Date);
  });

  it("carries the MFA policy of the user's role", async () => {
    const user = await insertUser(db, { role: 'user' });
    const { tokenHash } = await insertSession(user.id);
    const since = new Date('2030-05-06T07:08:09Z');
    await db
      .insert(mfaPolicy)
      .values({ role: 'user', required: true, graceDays: 3, requiredSince: since })
      .onConflictDoUpdate({
        target: mfaPolicy.role,
        set: { required: true, graceDays: 3, requiredSince: since },
      });
    try {
      const found = await queries.sessionByTokenHash.execute({ tokenHash });
      expect(found?.policy).toEqual({ required: true, graceDays: 3, requiredSince: since });
    } finally {
      await db.delete(mfaPolicy).where(eq(mfaPolicy.role, 'user'));
    }
  });

  it('reports mfaEnabled only while the user has an active factor', async () => {
    const user = await insertUser(db);
    const { tokenHash } = await insertSession(user.id);
    const mfaEnabled = async () =>
      (await queries.sessionByTokenHash.execute({ tokenHash }))?.mfaEnabled;

    const [factor] = await db
      .insert(mfaFactors)
      .values({ userId: user.id, type: 'totp', secretCiphertext: 'box', secretKeyId: 'k1' })
      .returning({ id: mfaFactors.id });
    expect(await mfaEnabled()).toBe(false);

    await db.update(mfaFactors).set({ status: 'active' }).where(eq(mfaFactors.id, factor!.id));
    expect(await mfaEnabled()).toBe(true);

    // Another user's factor does not count.
    const other = await insertUser(db);
    const { tokenHash: otherToken } = await insertSession(other.id);
    expect((await queries.sessionByTokenHash.execute({ tokenHash: otherToken }))?.mfaEnabled).toBe(
      false,
    );

    await db.delete(mfaFactors).where(eq(mfaFactors.id, factor!.id));
    expect(await mfaEnabled()).toBe(false);
  });

  it('still returns a revoked session, so the caller can tell why it is refused', async () => {
    const user = await insertUser(db);
    const session = await insertSession(user.id);
    const revokedAt = new Date('2030-01-01T00:00:00Z');
    await db.update(sessions).set({ revokedAt }).where(eq(sessions.id, session.id));
    const found = await queries.sessionByTokenHash.execute({ tokenHash: session.tokenHash });
    expect(found?.revokedAt).toEqual(revokedAt);
  });

  it('returns undefined for an unknown token hash', async () => {
    await expect(
      queries.sessionByTokenHash.execute({ tokenHash: 'missing' }),
    ).resolves.toBeUndefined();
  });
});

describe('touchSession', () => {
  it('moves last_seen_at of that session only', async () => {
    const user = await insertUser(db);
    const session = await insertSession(user.id);
    const untouched = await insertSession(user.id);
    const now = new Date('2031-05-06T07:08:09.123Z');
    await queries.touchSession.execute({ id: session.id, now });
    const found = await queries.sessionByTokenHash.execute({ tokenHash: session.tokenHash });
    expect(found?.lastSeenAt).toEqual(now);
    const other = await queries.sessionByTokenHash.execute({ tokenHash: untouched.tokenHash });
    expect(other?.lastSeenAt).toEqual(untouched.lastSeenAt);
  });
});

describe('relational queries', () => {
  it('follow the relations declared beside each table', async () => {
    const user = await insertUser(db);
    const session = await insertSession(user.id);
    const found = await db.query.users.findFirst({
      where: (u, { eq: equals }) => equals(u.id, user.id),
      with: { sessions: true, mfaFactors: true },
    });
    expect(found?.sessions.map((s) => s.id)).toEqual([session.id]);
    expect(found?.mfaFactors).toEqual([]);
  });
});
