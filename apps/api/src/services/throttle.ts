import type { FastifyInstance } from 'fastify';
import { and, eq, lt, or, isNull, lte, sql } from 'drizzle-orm';
import { users } from '@twofold/db';
import {
  MAX_CONSECUTIVE_FAILURES,
  MFA_BACKOFF_THRESHOLD,
  MFA_MAX_DELAY_SECONDS,
} from '@twofold/mfa-core';
import { appError } from '../errors.js';

/**
 * Per-account throttling of second-factor attempts, across every challenge and IP.
 *
 * Each attempt is counted as a failure *before* it is checked, in one atomic statement that
 * refuses when the account is in its backoff window or has reached 100 failures in a row; a
 * success resets the count. So concurrent guesses cannot slip past the limit: at most 100
 * consecutive wrong codes are ever evaluated (NIST SP 800-63B), with exponential backoff
 * (1 s, 2 s, 4 s ... up to 15 min) from the 5th.
 */
export function createThrottle(app: FastifyInstance) {
  const { db } = app;
  return {
    async reserve(userId: string): Promise<void> {
      const now = app.now();
      const next = sql`${users.mfaFailedAttempts} + 1`;
      const reserved = await db
        .update(users)
        .set({
          mfaFailedAttempts: next,
          mfaLockedUntil: sql`case when ${next} >= ${MFA_BACKOFF_THRESHOLD}
            then ${now.toISOString()}::timestamptz
              + least(${MFA_MAX_DELAY_SECONDS}, power(2, ${next} - ${MFA_BACKOFF_THRESHOLD})) * interval '1 second'
            else null end`,
        })
        .where(
          and(
            eq(users.id, userId),
            lt(users.mfaFailedAttempts, MAX_CONSECUTIVE_FAILURES),
            or(isNull(users.mfaLockedUntil), lte(users.mfaLockedUntil, now)),
          ),
        )
        .returning({ attempts: users.mfaFailedAttempts });
      if (reserved.length === 1) return;

      const [user] = await db
        .select({ attempts: users.mfaFailedAttempts, lockedUntil: users.mfaLockedUntil })
        .from(users)
        .where(eq(users.id, userId));
      if (!user || user.attempts >= MAX_CONSECUTIVE_FAILURES) {
        throw appError(
          'MFA_LOCKED',
          undefined,
          'Too many wrong codes: second-factor sign-in is locked. Reset your password or ask an administrator to unlock it.',
        );
      }
      const waitMs = (user.lockedUntil?.getTime() ?? now.getTime()) - now.getTime();
      throw appError(
        'MFA_LOCKED',
        { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) },
        'Too many wrong codes. Wait before trying again.',
      );
    },

    async reset(userId: string): Promise<void> {
      await db
        .update(users)
        .set({ mfaFailedAttempts: 0, mfaLockedUntil: null })
        .where(eq(users.id, userId));
    },
  };
}
