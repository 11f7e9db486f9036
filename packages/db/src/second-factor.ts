import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database, Transaction } from './client.js';
import { sessionOpeningCtes, type SessionOpening } from './open-session.js';
import { asBoolean, isActiveFactor, rowsOf } from './queries.js';
import { mfaFactors } from './schema/mfa-factors.js';
import { members } from './schema/members.js';
import { countFailure, type ThrottleRules } from './failure-count.js';

export type { ThrottleRules } from './failure-count.js';

/**
 * The two statements of a second-factor check. Each is one round trip and atomic on its own,
 * so a sign-in's second step costs three queries in all (with the challenge lookup).
 */

type Executor = Database | Transaction;

/**
 * Counts the attempt as a failure before it is checked (a success resets the count), refusing
 * when the account is in its backoff window or at its limit; and reads the user's active factors
 * in the same statement. Concurrent attempts queue on the user's row, so none slips past.
 * `attempts`/`lockedUntil` are the state before this attempt: what a refusal reports.
 */
export async function reserveAttempt(
  db: Executor,
  { userId, now, rules }: { userId: string; now: Date; rules: ThrottleRules },
) {
  const rows = await reservation(db, rules).execute({ userId, now: now.toISOString() });
  const [first] = rows;
  if (!first) return null;
  return {
    reserved: first.reserved,
    attempts: first.attempts,
    lockedUntil: first.lockedUntil,
    factors: rows.flatMap((row) => (row.factor ? [row.factor] : [])),
  };
}

/** The reservation statement, prepared once per database (the rules are constants). */
const reservations = new WeakMap<Executor, ReturnType<typeof prepareReservation>>();
function reservation(db: Executor, rules: ThrottleRules) {
  let prepared = reservations.get(db);
  if (!prepared) reservations.set(db, (prepared = prepareReservation(db, rules)));
  return prepared;
}

function prepareReservation(db: Executor, rules: ThrottleRules) {
  const userId = sql.placeholder('userId');
  const now = sql`${sql.placeholder('now')}::timestamptz`;
  const reserved = db.$with('reserved').as(countFailure(db, 'mfa', rules, { userId, now }));
  return db
    .with(reserved)
    .select({
      reserved: sql<boolean>`exists (select 1 from ${reserved})`.mapWith(asBoolean),
      attempts: members.mfaFailedAttempts,
      lockedUntil: members.mfaLockedUntil,
      factor: mfaFactors,
    })
    .from(members)
    .leftJoin(mfaFactors, and(eq(mfaFactors.userId, members.id), isActiveFactor()))
    .where(eq(members.id, userId))
    .prepare('twofold_reserve_attempt');
}

/** What a right code spends: a TOTP time step, a backup code, or nothing (email codes spend themselves). */
export type CodeClaim =
  | { kind: 'totp'; factorId: string; step: number }
  | { kind: 'backup_code'; codeHash: string }
  | { kind: 'none' };

/** The session a second step opens, with the challenge it consumes. */
export interface SecondStepSignIn extends SessionOpening {
  challengeId: string;
}

export interface SpendInput {
  userId: string;
  now: Date;
  ip: string | null;
  userAgent: string | null;
  claim: CodeClaim;
  /** Login: consume the challenge and open the session in the same statement. */
  signIn?: SecondStepSignIn;
}

export interface SpendResult {
  /** False when the code was already spent (a TOTP replay, a used backup code). */
  claimed: boolean;
  /** Backup codes left after this one. */
  remaining: number | null;
  /** The new session, when `signIn` was given and the challenge was still open. */
  sessionId: string | null;
}

/**
 * Spends the code and, for a sign-in, consumes the challenge, creates the session, revokes the
 * one the browser had, records the events and resets the failure count: one statement, so it
 * all happens or none of it does (a failure rolls the whole statement back). Each step runs
 * only if the one before it did, so a replayed code opens nothing; a code spent on a
 * challenge that a concurrent request consumed first stays spent.
 */
export async function spendSecondFactor(db: Executor, input: SpendInput): Promise<SpendResult> {
  const { userId, claim, signIn } = input;
  const now = input.now.toISOString();
  const claimSql = claimStatement(claim, userId, now);

  let statement: SQL;
  if (signIn) {
    const context = { userId, now, ip: input.ip, userAgent: input.userAgent };
    statement = sql`with claim as (${claimSql}),
      consumed as (
        update twofold.login_challenges set consumed_at = ${now}::timestamptz
        where id = ${signIn.challengeId} and user_id = ${userId} and consumed_at is null
          and expires_at > ${now}::timestamptz and exists (select 1 from claim)
        returning user_id
      ),
      ${sessionOpeningCtes('consumed', signIn, context)},
      reset as (
        update twofold.members set mfa_failed_attempts = 0, mfa_locked_until = null
        where id = ${userId} and exists (select 1 from created)
      )
      select (select count(*) from claim)::int as claimed,
        (select remaining from claim limit 1) as remaining,
        (select id from created) as session_id`;
  } else {
    statement = sql`with claim as (${claimSql}),
      reset as (
        update twofold.members set mfa_failed_attempts = 0, mfa_locked_until = null
        where id = ${userId} and exists (select 1 from claim)
      )
      select (select count(*) from claim)::int as claimed,
        (select remaining from claim limit 1) as remaining,
        null::uuid as session_id`;
  }
  const [row] = rowsOf<{ claimed: number; remaining: number | null; session_id: string | null }>(
    await db.execute(statement),
  );
  return {
    claimed: Number(row?.claimed ?? 0) > 0,
    remaining:
      row?.remaining === null || row?.remaining === undefined ? null : Number(row.remaining),
    sessionId: row?.session_id ?? null,
  };
}

function claimStatement(claim: CodeClaim, userId: string, now: string): SQL {
  switch (claim.kind) {
    case 'totp':
      return sql`update twofold.mfa_factors set last_used_step = ${claim.step}, last_used_at = ${now}::timestamptz
        where id = ${claim.factorId} and user_id = ${userId} and status = 'active'
          and (last_used_step is null or last_used_step < ${claim.step})
        returning id, null::int as remaining`;
    case 'backup_code':
      // The count in RETURNING reads the snapshot from before this statement, this code included.
      return sql`update twofold.backup_codes set used_at = ${now}::timestamptz
        where user_id = ${userId} and code_hash = ${claim.codeHash} and used_at is null
        returning id, (select count(*) from twofold.backup_codes
          where user_id = ${userId} and used_at is null)::int - 1 as remaining`;
    case 'none':
      return sql`select null::uuid as id, null::int as remaining`;
  }
}
