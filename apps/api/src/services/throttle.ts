import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { reserveAttempt, users, type MfaFactor, type ThrottleRules } from '@twofold/db';
import {
  MAX_CONSECUTIVE_FAILURES,
  MFA_BACKOFF_THRESHOLD,
  MFA_MAX_DELAY_SECONDS,
} from '@twofold/mfa-core';
import { appError } from '../errors.js';

const RULES: ThrottleRules = {
  backoffThreshold: MFA_BACKOFF_THRESHOLD,
  maxDelaySeconds: MFA_MAX_DELAY_SECONDS,
  maxConsecutiveFailures: MAX_CONSECUTIVE_FAILURES,
};

/**
 * Per-account throttling of second-factor attempts, across every challenge and IP.
 *
 * Each attempt is counted as a failure *before* it is checked, in one atomic statement that
 * refuses when the account is in its backoff window or has reached 100 failures in a row; a
 * success resets the count. So concurrent guesses cannot slip past the limit: at most 100
 * consecutive wrong codes are ever evaluated (NIST SP 800-63B), with exponential backoff
 * (1 s, 2 s, 4 s ... up to 15 min) from the 5th. The statement computes, in SQL, the schedule
 * `mfaThrottle()` of mfa-core defines; security-throttle.test.ts checks that they agree at every
 * count up to the lock.
 */
export function createThrottle(app: FastifyInstance) {
  const { db } = app;
  return {
    /**
     * Reserves one attempt, or throws MFA_LOCKED; answers the user's active factors, read in
     * the same statement.
     */
    async reserve(userId: string): Promise<MfaFactor[]> {
      const now = app.now();
      const state = await reserveAttempt(db, { userId, now, rules: RULES });
      if (state?.reserved) return state.factors;
      if (!state || state.attempts >= MAX_CONSECUTIVE_FAILURES) {
        throw appError(
          'MFA_LOCKED',
          undefined,
          'Too many wrong codes: second-factor sign-in is locked. Reset your password or ask an administrator to unlock it.',
        );
      }
      const waitMs = (state.lockedUntil?.getTime() ?? now.getTime()) - now.getTime();
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
