import { eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from './client.js';
import { asBoolean } from './queries.js';
import { countFailure, type ThrottleRules } from './failure-count.js';
import { members } from './schema/members.js';

type Executor = Database | Transaction;

/**
 * The mailbox-code throttle (registration and email-change codes): the second factor's
 * reservation (`countFailure`) on `members.code_failed_attempts`, in one statement.
 * `attempts`/`lockedUntil` are the state before this attempt: what a refusal reports.
 */
export async function reserveCodeAttempt(
  db: Executor,
  { userId, now, rules }: { userId: string; now: Date; rules: ThrottleRules },
) {
  const at = sql`${now.toISOString()}::timestamptz`;
  const reserved = db.$with('reserved').as(countFailure(db, 'code', rules, { userId, now: at }));
  const [row] = await db
    .with(reserved)
    .select({
      reserved: sql<boolean>`exists (select 1 from ${reserved})`.mapWith(asBoolean),
      attempts: members.codeFailedAttempts,
      lockedUntil: members.codeLockedUntil,
    })
    .from(members)
    .where(eq(members.id, userId));
  return row ?? null;
}

/** A right code (or a password reset, which proves the same mailbox) starts the count again. */
export async function resetCodeAttempts(db: Executor, userId: string): Promise<void> {
  await db
    .update(members)
    .set({ codeFailedAttempts: 0, codeLockedUntil: null })
    .where(eq(members.id, userId));
}
