import { and, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from './client.js';
import { asBoolean, rowsOf } from './queries.js';
import { devOutbox } from './schema/dev-outbox.js';
import { emailCodes } from './schema/email-codes.js';
import { loginChallenges } from './schema/login-challenges.js';
import { mfaFactors } from './schema/mfa-factors.js';
import { noticeCooldowns } from './schema/notice-cooldowns.js';
import { securityEvents } from './schema/security-events.js';
import { sessions } from './schema/sessions.js';
import { trustedDevices } from './schema/trusted-devices.js';
import { members } from './schema/members.js';

/**
 * The retention sweep: batched deletes of rows nothing can use any more. Every rule takes `now`
 * and the settings as arguments, so tests decide the time; nothing live is ever matched.
 */

export interface RetentionRules {
  /**
   * Rows that ended (expired, used, consumed, revoked) are kept this long after they ended:
   * the per-account cap on mailed codes counts the last hour's codes, and instances whose
   * clocks differ a little never disagree about a row that just ended.
   */
  graceMs: number;
  /** A session unused this long has ended (the app's `sessionIdleMs`). */
  sessionIdleMs: number;
  /** A pending (unconfirmed) factor's life. */
  pendingFactorMs: number;
  /** The per-recipient notice cooldown: a row older than this no longer holds anything back. */
  noticeCooldownMs: number;
  /** An account never verified is deleted this long after it was created. */
  unverifiedAccountMs: number;
  /** Dev outbox messages are kept this long. */
  devOutboxMs: number;
  /** Security events are kept this long; null keeps them forever. */
  securityEventMs: number | null;
}

export const RETENTION_DEFAULTS = {
  graceMs: 3_600_000,
  pendingFactorMs: 10 * 60_000,
  noticeCooldownMs: 3_600_000,
  unverifiedAccountMs: 24 * 3_600_000,
  devOutboxMs: 7 * 24 * 3_600_000,
  securityEventMs: 365 * 24 * 3_600_000,
} as const satisfies Partial<RetentionRules>;

/** In the order they are swept: accounts first, whose cascades take their other rows along. */
export const RETENTION_KINDS = [
  'unverifiedAccounts',
  'emailCodes',
  'loginChallenges',
  'sessions',
  'trustedDevices',
  'pendingFactors',
  'noticeCooldowns',
  'devOutbox',
  'securityEvents',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];
export type RetentionCounts = Record<RetentionKind, number>;

/** The advisory lock one sweep holds at a time, across every instance on one database. */
export const RETENTION_LOCK_KEY = 7_268_373_302;

export const DEFAULT_RETENTION_BATCH = 500;

const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);

interface Plan {
  table: PgTable;
  /** What the batch is chosen by and ordered on (an indexed column). */
  order: PgColumn;
  /** The row's key; several columns are compared as a row value. */
  key: PgColumn[];
  dead: SQL | undefined;
}

function plan(kind: RetentionKind, now: Date, rules: RetentionRules): Plan | null {
  const ended = ago(now, rules.graceMs);
  const at = sql`${now.toISOString()}::timestamptz`;
  switch (kind) {
    // Never verified (`email_verified_at is null`; a verified account never matches) and created
    // longer ago than the setting, unless a sign-up step is still live for it: a registration
    // challenge or an emailed code that has not expired. Its rows go with it by cascade.
    case 'unverifiedAccounts':
      return {
        table: members,
        order: members.createdAt,
        key: [members.id],
        dead: and(
          isNull(members.emailVerifiedAt),
          lt(members.createdAt, ago(now, rules.unverifiedAccountMs)),
          sql`not exists (select 1 from ${loginChallenges} where ${loginChallenges.userId} = ${members.id} and ${loginChallenges.consumedAt} is null and ${loginChallenges.expiresAt} > ${at})`,
          sql`not exists (select 1 from ${emailCodes} where ${emailCodes.userId} = ${members.id} and ${emailCodes.usedAt} is null and ${emailCodes.expiresAt} > ${at})`,
        ),
      };
    // Expired (consumed ones included: a challenge lives minutes, so one consumed early waits
    // at most that long more) and past the grace. Their email codes go with them by cascade.
    case 'loginChallenges':
      return {
        table: loginChallenges,
        order: loginChallenges.expiresAt,
        key: [loginChallenges.id],
        dead: lt(loginChallenges.expiresAt, ended),
      };
    // Expired and past the grace: a used or voided code waits for its expiry (at most 15 minutes
    // after it was made), which keeps every code at least an hour after it was created (the
    // hourly cap counts them) and lets the query use the expires_at index alone.
    case 'emailCodes':
      return {
        table: emailCodes,
        order: emailCodes.expiresAt,
        key: [emailCodes.id],
        dead: lt(emailCodes.expiresAt, ended),
      };
    // Past its absolute end, revoked, or idle past the idle limit; each past the grace. Only
    // expires_at is indexed: revoked and idle rows are found by scanning a table the sweep keeps
    // to one absolute session lifetime (12 h) of sign-ins.
    case 'sessions':
      return {
        table: sessions,
        order: sessions.expiresAt,
        key: [sessions.id],
        dead: or(
          lt(sessions.expiresAt, ended),
          lt(sessions.revokedAt, ended),
          lt(sessions.lastSeenAt, ago(ended, rules.sessionIdleMs)),
        ),
      };
    // Expired or revoked, past the grace (a table kept to 30 days of trusted sign-ins).
    case 'trustedDevices':
      return {
        table: trustedDevices,
        order: trustedDevices.expiresAt,
        key: [trustedDevices.id],
        dead: or(lt(trustedDevices.expiresAt, ended), lt(trustedDevices.revokedAt, ended)),
      };
    // Pending (never confirmed) and older than a pending factor's life. An active factor never
    // matches: the status is checked again on the row being deleted.
    case 'pendingFactors':
      return {
        table: mfaFactors,
        order: mfaFactors.createdAt,
        key: [mfaFactors.id],
        dead: and(
          sql`${mfaFactors.status} = 'pending'`,
          lt(mfaFactors.createdAt, ago(now, rules.pendingFactorMs)),
        ),
      };
    // Sent longer ago than the cooldown: the row no longer holds a notice back.
    case 'noticeCooldowns':
      return {
        table: noticeCooldowns,
        order: noticeCooldowns.sentAt,
        key: [noticeCooldowns.recipient, noticeCooldowns.kind],
        dead: lt(noticeCooldowns.sentAt, ago(now, rules.noticeCooldownMs)),
      };
    // Older than the outbox's retention.
    case 'devOutbox':
      return {
        table: devOutbox,
        order: devOutbox.createdAt,
        key: [devOutbox.id],
        dead: lt(devOutbox.createdAt, ago(now, rules.devOutboxMs)),
      };
    // Older than the audit trail's retention; none when it is kept forever.
    case 'securityEvents':
      if (rules.securityEventMs === null) return null;
      return {
        table: securityEvents,
        order: securityEvents.createdAt,
        key: [securityEvents.id],
        dead: lt(securityEvents.createdAt, ago(now, rules.securityEventMs)),
      };
  }
}

/**
 * `DELETE ... WHERE key IN (SELECT key ... WHERE dead ORDER BY order LIMIT n) AND dead`: the
 * batch is chosen through the index, and the rule is checked again on each row as it is
 * deleted, so a row that came alive meanwhile (a pending factor just confirmed, an account just
 * verified) is left alone.
 */
function deleteStatement({ table, order, key, dead }: Plan, limit: number): SQL {
  const columns = sql.join(key, sql`, `);
  const keyOf = key.length === 1 ? columns : sql`(${columns})`;
  return sql`delete from ${table} where ${keyOf} in (select ${columns} from ${table} where ${dead} order by ${order} limit ${limit}) and ${dead} returning 1 as deleted`;
}

/**
 * Deletes up to `limit` dead rows of one kind, in a transaction of its own that first takes
 * the sweep's advisory lock without waiting. Answers how many went, or null when another sweep
 * holds the lock (nothing was deleted).
 *
 * A transaction-level lock per batch, not a session-level lock for the whole run: a session
 * lock needs one connection reserved outside the pool for the run (and released by hand),
 * while this one is released by the batch's own commit or rollback, whatever happens to the
 * process, and works the same on PGlite's single connection. Two sweeps never delete at the
 * same moment; the one that finds the lock taken stops and leaves the rest to the other.
 */
export async function deleteDeadBatch(
  db: Database,
  kind: RetentionKind,
  now: Date,
  rules: RetentionRules,
  limit: number = DEFAULT_RETENTION_BATCH,
): Promise<number | null> {
  const statement = plan(kind, now, rules);
  if (!statement) return 0;
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ locked: unknown }>(
      await tx.execute(sql`select pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY}) as locked`),
    );
    if (!asBoolean(lock?.locked)) return null;
    return rowsOf(await tx.execute(deleteStatement(statement, limit))).length;
  });
}

export interface SweepResult {
  counts: RetentionCounts;
  /** False when another sweep held the lock: it does the rest. */
  complete: boolean;
}

/**
 * One sweep: each kind in turn, batch after batch, until a batch comes back short. Rows that
 * end after `now` wait for the next sweep, so a sweep always ends.
 */
export async function sweepDeadRows(
  db: Database,
  now: Date,
  rules: RetentionRules,
  { batchSize = DEFAULT_RETENTION_BATCH }: { batchSize?: number } = {},
): Promise<SweepResult> {
  const counts = Object.fromEntries(RETENTION_KINDS.map((kind) => [kind, 0])) as RetentionCounts;
  for (const kind of RETENTION_KINDS) {
    for (;;) {
      const deleted = await deleteDeadBatch(db, kind, now, rules, batchSize);
      if (deleted === null) return { counts, complete: false };
      counts[kind] += deleted;
      if (deleted < batchSize) break;
    }
  }
  return { counts, complete: true };
}
