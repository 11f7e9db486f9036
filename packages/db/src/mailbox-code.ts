import { eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from './client.js';
import { asBoolean } from './queries.js';
import { countFailure, type ThrottleRules } from './failure-count.js';
import { users } from './schema/users.js';

type Executor = Database | Transaction;

/**
 * The mailbox-code throttle (registration and email-change codes): the second factor's
 * reservation (`countFailure`) on `users.code_failed_attempts`, in one statement.
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
      attempts: users.codeFailedAttempts,
      lockedUntil: users.codeLockedUntil,
    })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

/** A right code (or a password reset, which proves the same mailbox) starts the count again. */
export async function resetCodeAttempts(db: Executor, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ codeFailedAttempts: 0, codeLockedUntil: null })
    .where(eq(users.id, userId));
}
