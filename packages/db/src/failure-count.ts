import { and, eq, isNull, lte, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Database, Transaction } from './client.js';
import { members } from './schema/members.js';

type Executor = Database | Transaction;

export interface ThrottleRules {
  /** Failures before backoff starts. */
  backoffThreshold: number;
  /** Backoff never exceeds this. */
  maxDelaySeconds: number;
  /** Consecutive failures after which nothing more is evaluated. */
  maxConsecutiveFailures: number;
}

/**
 * The per-account failure counts on the members row: second factors (`mfa`), and mailbox codes
 * of registration and email change (`code`). Each is a count of failures in a row and the time
 * its backoff ends.
 */
const COUNTERS = {
  mfa: { attempts: 'mfaFailedAttempts', lockedUntil: 'mfaLockedUntil' },
  code: { attempts: 'codeFailedAttempts', lockedUntil: 'codeLockedUntil' },
} as const;

export type FailureCounter = keyof typeof COUNTERS;

/**
 * The UPDATE that reserves one attempt on `counter`: it counts the attempt as a failure before
 * the code is checked (a success resets the count) and sets the backoff (1 s, 2 s, 4 s ... up to
 * `maxDelaySeconds`, from the `backoffThreshold`-th failure), and matches no row while the
 * account is in its backoff window or at its limit. Concurrent attempts queue on the user's row,
 * so none slips past. `userId` and `now` are values or placeholders of a prepared statement.
 */
export function countFailure(
  db: Executor,
  counter: FailureCounter,
  rules: ThrottleRules,
  { userId, now }: { userId: SQLWrapper | string; now: SQL },
) {
  const names = COUNTERS[counter];
  const attempts = members[names.attempts];
  const lockedUntil = members[names.lockedUntil];
  const next = sql`${attempts} + 1`;
  return db
    .update(members)
    .set({
      [names.attempts]: next,
      [names.lockedUntil]: sql`case when ${next} >= ${rules.backoffThreshold}
        then ${now}
          + least(${rules.maxDelaySeconds}, power(2, ${next} - ${rules.backoffThreshold})) * interval '1 second'
        else null end`,
      // Explicit: the column's $onUpdate default would be computed once, when preparing.
      updatedAt: now,
    })
    .where(
      and(
        eq(members.id, userId),
        lt(attempts, rules.maxConsecutiveFailures),
        or(isNull(lockedUntil), lte(lockedUntil, now)),
      ),
    )
    .returning({ id: members.id });
}
