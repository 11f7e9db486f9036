import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database, DbClient, RetentionRules } from '../src/index.js';
import {
  deleteDeadBatch,
  devOutbox,
  emailCodes,
  loginChallenges,
  members,
  mfaFactors,
  noticeCooldowns,
  RETENTION_DEFAULTS,
  RETENTION_LOCK_KEY,
  securityEvents,
  sessions,
  sweepDeadRows,
  trustedDevices,
} from '../src/index.js';
import { createTestDbClient } from '../src/testing.js';
import { insertUser } from './support.js';

let client: DbClient;
let db: Database;

beforeAll(async () => {
  client = await createTestDbClient();
  db = client.db;
});
afterAll(async () => {
  await client?.close();
});
// Each case starts from an empty database: the counts below are exact.
beforeEach(async () => {
  await db.execute(
    sql`truncate twofold.members, twofold.dev_outbox, twofold.notice_cooldowns cascade`,
  );
});

const NOW = new Date('2026-06-01T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const RULES: RetentionRules = { ...RETENTION_DEFAULTS, sessionIdleMs: 30 * MIN };

/** A verified account created long ago (never a candidate itself). */
function verifiedUser() {
  return insertUser(db, { emailVerifiedAt: at(-400 * DAY), createdAt: at(-400 * DAY) });
}

async function code(userId: string, purpose: string, expiresIn: number, usedAt?: Date) {
  const [row] = await db
    .insert(emailCodes)
    .values({
      userId,
      purpose,
      codeHash: randomUUID(),
      createdAt: at(expiresIn - 15 * MIN),
      expiresAt: at(expiresIn),
      usedAt: usedAt ?? null,
    })
    .returning({ id: emailCodes.id });
  return row!.id;
}

async function challenge(userId: string, expiresIn: number, purpose = 'mfa', consumedAt?: Date) {
  const [row] = await db
    .insert(loginChallenges)
    .values({
      userId,
      purpose,
      tokenHash: randomUUID(),
      createdAt: at(expiresIn - 5 * MIN),
      expiresAt: at(expiresIn),
      consumedAt: consumedAt ?? null,
    })
    .returning({ id: loginChallenges.id });
  return row!.id;
}

async function session(
  userId: string,
  { expiresIn = 6 * HOUR, lastSeen = -MIN, revokedAt = null as Date | null } = {},
) {
  const [row] = await db
    .insert(sessions)
    .values({
      userId,
      tokenHash: randomUUID(),
      createdAt: at(expiresIn - 12 * HOUR),
      lastSeenAt: at(lastSeen),
      expiresAt: at(expiresIn),
      revokedAt,
    })
    .returning({ id: sessions.id });
  return row!.id;
}

async function device(userId: string, expiresIn: number, revokedAt: Date | null = null) {
  const [row] = await db
    .insert(trustedDevices)
    .values({
      userId,
      tokenHash: randomUUID(),
      label: 'Firefox on Linux',
      createdAt: at(expiresIn - 30 * DAY),
      expiresAt: at(expiresIn),
      revokedAt,
    })
    .returning({ id: trustedDevices.id });
  return row!.id;
}

async function factor(userId: string, status: 'pending' | 'active', createdAgo: number) {
  const [row] = await db
    .insert(mfaFactors)
    .values({ userId, type: 'email', status, createdAt: at(-createdAgo) })
    .returning({ id: mfaFactors.id });
  return row!.id;
}

async function mail(createdAgo: number) {
  const [row] = await db
    .insert(devOutbox)
    .values({ to: 'a@example.com', subject: 's', text: 't', html: 'h', createdAt: at(-createdAgo) })
    .returning({ id: devOutbox.id });
  return row!.id;
}

async function event(createdAgo: number) {
  const [row] = await db
    .insert(securityEvents)
    .values({ type: 'login.failed', createdAt: at(-createdAgo) })
    .returning({ id: securityEvents.id });
  return row!.id;
}

type WithId =
  | typeof emailCodes
  | typeof loginChallenges
  | typeof sessions
  | typeof trustedDevices
  | typeof mfaFactors
  | typeof devOutbox
  | typeof securityEvents
  | typeof members;

/** Which of `ids` are still in `table`, in the order given. */
async function kept(table: WithId, ids: string[]): Promise<string[]> {
  const rows: { id: string }[] = await db
    .select({ id: table.id })
    .from(table as typeof members)
    .where(inArray(table.id, ids));
  const present = new Set(rows.map((row) => row.id));
  return ids.filter((id) => present.has(id));
}

describe('sweepDeadRows', () => {
  it('deletes exactly the dead rows of every kind and leaves every live one', async () => {
    const owner = await verifiedUser();

    // Email codes: gone an hour after they expired, used or not.
    const codes = {
      expiredLongAgo: await code(owner.id, 'login', -61 * MIN),
      usedLongAgo: await code(owner.id, 'step_up', -61 * MIN, at(-70 * MIN)),
      expiredRecently: await code(owner.id, 'enroll', -59 * MIN),
      usedRecently: await code(owner.id, 'password_reset', -30 * MIN, at(-40 * MIN)),
      usedButUnexpired: await code(owner.id, 'registration', 5 * MIN, at(-MIN)),
      live: await code(owner.id, 'registration', 5 * MIN),
    };
    // Login challenges: the same hour after their expiry, consumed or not.
    const challenges = {
      expiredLongAgo: await challenge(owner.id, -61 * MIN),
      consumedLongAgo: await challenge(owner.id, -61 * MIN, 'mfa', at(-64 * MIN)),
      expiredRecently: await challenge(owner.id, -59 * MIN),
      consumedLive: await challenge(owner.id, 4 * MIN, 'mfa', at(-MIN)),
      live: await challenge(owner.id, 4 * MIN),
    };
    // Sessions: expired, revoked or idle, each an hour ago.
    const idle = RULES.sessionIdleMs;
    const sessionIds = {
      expiredLongAgo: await session(owner.id, { expiresIn: -61 * MIN, lastSeen: -62 * MIN }),
      revokedLongAgo: await session(owner.id, { revokedAt: at(-61 * MIN) }),
      idleLongAgo: await session(owner.id, { lastSeen: -idle - 61 * MIN }),
      expiredRecently: await session(owner.id, { expiresIn: -59 * MIN, lastSeen: -60 * MIN }),
      revokedRecently: await session(owner.id, { revokedAt: at(-59 * MIN) }),
      idleRecently: await session(owner.id, { lastSeen: -idle - 59 * MIN }),
      live: await session(owner.id),
      liveNearlyIdle: await session(owner.id, { lastSeen: -idle + MIN }),
    };
    // Trusted devices: expired or revoked, an hour ago.
    const devices = {
      expiredLongAgo: await device(owner.id, -61 * MIN),
      revokedLongAgo: await device(owner.id, 10 * DAY, at(-61 * MIN)),
      revokedRecently: await device(owner.id, 10 * DAY, at(-59 * MIN)),
      live: await device(owner.id, 10 * DAY),
    };
    // Pending factors: past their 10 minutes; active factors never.
    const [other, third] = [await verifiedUser(), await verifiedUser()];
    const factors = {
      pendingExpired: await factor(owner.id, 'pending', 11 * MIN),
      pendingLive: await factor(other.id, 'pending', 9 * MIN),
      activeOld: await factor(third.id, 'active', 300 * DAY),
    };
    // Accounts never verified: a day after sign-up, unless a sign-up step is still live.
    const unverified = {
      old: await insertUser(db, { createdAt: at(-25 * HOUR) }),
      young: await insertUser(db, { createdAt: at(-23 * HOUR) }),
      oldWithLiveChallenge: await insertUser(db, { createdAt: at(-25 * HOUR) }),
      oldWithLiveCode: await insertUser(db, { createdAt: at(-25 * HOUR) }),
    };
    await challenge(unverified.oldWithLiveChallenge.id, 10 * MIN, 'registration');
    await code(unverified.oldWithLiveCode.id, 'registration', 10 * MIN);
    // The old account's rows go with it by cascade.
    const cascaded = {
      challenge: await challenge(unverified.old.id, -2 * MIN, 'registration'),
      code: await code(unverified.old.id, 'registration', -2 * MIN),
    };
    // Notice cooldowns: an hour after the notice.
    await db.insert(noticeCooldowns).values([
      { recipient: 'old@example.com', kind: 'signup_attempt', sentAt: at(-61 * MIN) },
      { recipient: 'recent@example.com', kind: 'signup_attempt', sentAt: at(-59 * MIN) },
    ]);
    const mails = { old: await mail(8 * DAY), recent: await mail(6 * DAY) };
    const events = { old: await event(366 * DAY), recent: await event(364 * DAY) };

    const result = await sweepDeadRows(db, NOW, RULES);

    expect(result).toEqual({
      complete: true,
      counts: {
        unverifiedAccounts: 1,
        loginChallenges: 2,
        emailCodes: 2,
        sessions: 3,
        trustedDevices: 2,
        pendingFactors: 1,
        noticeCooldowns: 1,
        devOutbox: 1,
        securityEvents: 1,
      },
    });
    expect(await kept(emailCodes, Object.values(codes))).toEqual([
      codes.expiredRecently,
      codes.usedRecently,
      codes.usedButUnexpired,
      codes.live,
    ]);
    expect(await kept(emailCodes, [cascaded.code])).toEqual([]);
    expect(await kept(loginChallenges, [cascaded.challenge])).toEqual([]);
    expect(await kept(loginChallenges, Object.values(challenges))).toEqual([
      challenges.expiredRecently,
      challenges.consumedLive,
      challenges.live,
    ]);
    expect(await kept(sessions, Object.values(sessionIds))).toEqual([
      sessionIds.expiredRecently,
      sessionIds.revokedRecently,
      sessionIds.idleRecently,
      sessionIds.live,
      sessionIds.liveNearlyIdle,
    ]);
    expect(await kept(trustedDevices, Object.values(devices))).toEqual([
      devices.revokedRecently,
      devices.live,
    ]);
    expect(await kept(mfaFactors, Object.values(factors))).toEqual([
      factors.pendingLive,
      factors.activeOld,
    ]);
    const accounts = Object.values(unverified).map((user) => user.id);
    expect(await kept(members, [owner.id, other.id, third.id, ...accounts])).toEqual([
      owner.id,
      other.id,
      third.id,
      unverified.young.id,
      unverified.oldWithLiveChallenge.id,
      unverified.oldWithLiveCode.id,
    ]);
    const cooldowns = await db
      .select({ recipient: noticeCooldowns.recipient })
      .from(noticeCooldowns);
    expect(cooldowns).toEqual([{ recipient: 'recent@example.com' }]);
    expect(await kept(devOutbox, Object.values(mails))).toEqual([mails.recent]);
    expect(await kept(securityEvents, Object.values(events))).toEqual([events.recent]);

    // A second sweep at the same moment finds nothing more.
    const again = await sweepDeadRows(db, NOW, RULES);
    expect(Object.values(again.counts).every((n) => n === 0)).toBe(true);
  });

  it('never deletes a verified account, however old, nor security events kept forever', async () => {
    const owner = await verifiedUser();
    const old = await event(10 * 365 * DAY);
    const { counts } = await sweepDeadRows(db, NOW, { ...RULES, securityEventMs: null });
    expect(counts.unverifiedAccounts).toBe(0);
    expect(counts.securityEvents).toBe(0);
    expect(await kept(members, [owner.id])).toEqual([owner.id]);
    expect(await kept(securityEvents, [old])).toEqual([old]);
  });

  it('deletes in batches until one comes back short', async () => {
    const dead = await Promise.all(Array.from({ length: 7 }, () => mail(30 * DAY)));
    const live = await mail(DAY);

    expect(await deleteDeadBatch(db, 'devOutbox', NOW, RULES, 3)).toBe(3);
    const { counts } = await sweepDeadRows(db, NOW, RULES, { batchSize: 2 });
    expect(counts.devOutbox).toBe(4);
    expect(await kept(devOutbox, [...dead, live])).toEqual([live]);
  });
});

// PGlite has one connection, so nothing there can hold the lock while a sweep runs; on a server
// another connection can (DATABASE_URL, as for the other PostgreSQL tests).
describe.skipIf(!process.env.DATABASE_URL)('the sweep lock on PostgreSQL', () => {
  it('skips while another sweep holds the lock, and deletes once it is released', async () => {
    const old = await mail(30 * DAY);
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${RETENTION_LOCK_KEY})`);
      holding();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await held;
    try {
      expect(await deleteDeadBatch(db, 'devOutbox', NOW, RULES)).toBeNull();
      const result = await sweepDeadRows(db, NOW, RULES);
      expect(result.complete).toBe(false);
      expect(result.counts.devOutbox).toBe(0);
      expect(await kept(devOutbox, [old])).toEqual([old]);
    } finally {
      release();
      await holder;
    }
    expect((await sweepDeadRows(db, NOW, RULES)).counts.devOutbox).toBe(1);
  });
});
