import { and, eq, isNull, lte, lt, or, sql } from 'drizzle-orm';
import type { Database, Transaction } from './client.js';
import { asBoolean } from './queries.js';
import type { ThrottleRules } from './second-factor.js';
import { users } from './schema/users.js';

type Executor = Database | Transaction;

/**
 * The mailbox-code throttle (registration and email-change codes), the second factor's
 * reservation applied to `users.code_failed_attempts`: the attempt is counted as a failure
 * before the code is checked, in one statement, and refused while the account is in its backoff
 * window or at its limit. Concurrent attempts queue on the user's row, so none slips past.
 * `attempts`/`lockedUntil` are the state before this attempt: what a refusal reports.
 */
export async function reserveCodeAttempt(
  db: Executor,
  { userId, now, rules }: { userId: string; now: Date; rules: ThrottleRules },
) {
  const at = sql`${now.toISOString()}::timestamptz`;
  const next = sql`${users.codeFailedAttempts} + 1`;
  const reserved = db.$with('reserved').as(
    db
      .update(users)
      .set({
        codeFailedAttempts: next,
        codeLockedUntil: sql`case when ${next} >= ${rules.backoffThreshold}
          then ${at}
            + least(${rules.maxDelaySeconds}, power(2, ${next} - ${rules.backoffThreshold})) * interval '1 second'
          else null end`,
        updatedAt: now,
      })
      .where(
        and(
          eq(users.id, userId),
          lt(users.codeFailedAttempts, rules.maxConsecutiveFailures),
          or(isNull(users.codeLockedUntil), lte(users.codeLockedUntil, at)),
        ),
      )
      .returning({ id: users.id }),
  );
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
