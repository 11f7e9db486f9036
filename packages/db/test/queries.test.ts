import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, DbClient, Queries } from '../src/index.js';
import {
  backupCodes,
  createQueries,
  mfaFactors,
  mfaPolicy,
  openSession,
  securityEvents,
  sessions,
} from '../src/index.js';
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

/** Runs `check` while the 'user' role has this MFA policy, removed afterwards. */
async function withUserPolicy(
  policy: { required: boolean; graceDays: number; requiredSince: Date },
  check: () => Promise<void>,
) {
  await db
    .insert(mfaPolicy)
    .values({ role: 'user', ...policy })
    .onConflictDoUpdate({ target: mfaPolicy.role, set: policy });
  try {
    await check();
  } finally {
    await db.delete(mfaPolicy).where(eq(mfaPolicy.role, 'user'));
  }
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

describe('signInAccount', () => {
  it('reads the user with its active factor types, unused backup codes and role policy', async () => {
    const local = randomUUID();
    const user = await insertUser(db, { email: `${local}@example.com` });
    const account = () =>
      queries.signInAccount.execute({ email: `${local.toUpperCase()}@EXAMPLE.com` });
    expect(await account()).toEqual({
      user,
      factorTypes: [],
      backupCodesLeft: 0,
      policy: null,
    });

    await db.insert(mfaFactors).values([
      {
        userId: user.id,
        type: 'totp',
        status: 'active',
        secretCiphertext: 'box',
        secretKeyId: 'k1',
      },
      { userId: user.id, type: 'email', status: 'active' },
    ]);
    // A pending factor and another user's codes do not count; a used code does not either.
    const other = await insertUser(db);
    await db.insert(backupCodes).values([
      { userId: user.id, codeHash: randomUUID() },
      { userId: user.id, codeHash: randomUUID() },
      { userId: user.id, codeHash: randomUUID(), usedAt: new Date() },
      { userId: other.id, codeHash: randomUUID() },
    ]);
    const policy = {
      required: true,
      graceDays: 2,
      requiredSince: new Date('2030-05-06T07:08:09Z'),
    };
    await withUserPolicy(policy, async () => {
      expect(await account()).toEqual({
        user,
        factorTypes: ['email', 'totp'],
        backupCodesLeft: 2,
        policy,
      });
    });
  });

  it('returns undefined for an unknown address', async () => {
    await expect(
      queries.signInAccount.execute({ email: 'nobody@example.com' }),
    ).resolves.toBeUndefined();
  });
});

describe('openSession', () => {
  const opening = (userId: string, previousTokenHash: string | null) => ({
    userId,
    now: new Date('2030-02-03T04:05:06Z'),
    ip: '192.0.2.7',
    userAgent: 'test agent',
    session: {
      tokenHash: randomUUID(),
      aal: 1,
      amr: ['pwd'],
      scope: 'full',
      expiresAt: new Date('2030-02-03T16:05:06Z'),
    },
    previousTokenHash,
    events: [
      { type: 'login.succeeded', metadata: { aal: 1 } },
      { type: 'mfa.setup_required', metadata: {} },
    ],
  });

  it('inserts the session, revokes the previous one and records the events together', async () => {
    const user = await insertUser(db);
    const previous = await insertSession(user.id);
    const input = opening(user.id, previous.tokenHash);
    const { id } = await openSession(db, input);

    const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
    expect(row).toMatchObject({
      userId: user.id,
      tokenHash: input.session.tokenHash,
      aal: 1,
      amr: ['pwd'],
      scope: 'full',
      ip: '192.0.2.7',
      userAgent: 'test agent',
      createdAt: input.now,
      lastSeenAt: input.now,
      expiresAt: input.session.expiresAt,
      revokedAt: null,
    });
    const [old] = await db.select().from(sessions).where(eq(sessions.id, previous.id));
    expect(old?.revokedAt).toEqual(input.now);
    const events = await db
      .select({
        type: securityEvents.type,
        metadata: securityEvents.metadata,
        ip: securityEvents.ip,
      })
      .from(securityEvents)
      .where(eq(securityEvents.userId, user.id));
    expect(events.map((e) => e.type).sort()).toEqual(['login.succeeded', 'mfa.setup_required']);
    expect(events.find((e) => e.type === 'login.succeeded')).toEqual({
      type: 'login.succeeded',
      metadata: { aal: 1 },
      ip: '192.0.2.7',
    });
  });

  it('writes nothing when one part fails', async () => {
    const user = await insertUser(db);
    const previous = await insertSession(user.id);
    // The token hash of a live session: the insert breaks its unique index.
    const input = opening(user.id, previous.tokenHash);
    const clashing = { ...input, session: { ...input.session, tokenHash: previous.tokenHash } };
    await expect(openSession(db, clashing)).rejects.toThrow();

    const [old] = await db.select().from(sessions).where(eq(sessions.id, previous.id));
    expect(old?.revokedAt).toBeNull();
    const events = await db.select().from(securityEvents).where(eq(securityEvents.userId, user.id));
    expect(events).toEqual([]);
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
    const policy = {
      required: true,
      graceDays: 3,
      requiredSince: new Date('2030-05-06T07:08:09Z'),
    };
    await withUserPolicy(policy, async () => {
      const found = await queries.sessionByTokenHash.execute({ tokenHash });
      expect(found?.policy).toEqual(policy);
    });
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
    const found = await db.query.members.findFirst({
      where: (u, { eq: equals }) => equals(u.id, user.id),
      with: { sessions: true, mfaFactors: true },
    });
    expect(found?.sessions.map((s) => s.id)).toEqual([session.id]);
    expect(found?.mfaFactors).toEqual([]);
  });
});
