import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import { and, eq, sql } from 'drizzle-orm';
import {
  reserveAttempt,
  reserveCodeAttempt,
  resetCodeAttempts,
  securityEvents,
  members,
  type MfaFactor,
  type ThrottleRules,
  type Transaction,
} from '@twofold/db';
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
 * Wrong mailbox codes (registration, email change) in a row per account, across every code
 * mailed: each fresh code brings 5 tries, this budget does not start again. 20 guesses at a
 * 6-digit code succeed with odds of 1 in 50,000; the owner, who reads the code, needs one.
 */
export const CODE_MAX_CONSECUTIVE_FAILURES = 20;

const CODE_RULES: ThrottleRules = {
  backoffThreshold: MFA_BACKOFF_THRESHOLD,
  maxDelaySeconds: MFA_MAX_DELAY_SECONDS,
  maxConsecutiveFailures: CODE_MAX_CONSECUTIVE_FAILURES,
};

/** The event a refused registration code leaves on the account's timeline. */
export const VERIFICATION_FAILED_EVENT = 'email.verification_failed';

/**
 * When the next attempt is allowed after `failures` in a row, the last at `lastAt` (the SQL of
 * the reservation, in TypeScript: 2^(n-5) s from the 5th, at most 15 minutes); null: never.
 */
export function nextCodeAttemptAt(failures: number, lastAt: Date, rules = CODE_RULES): Date | null {
  if (failures >= rules.maxConsecutiveFailures) return null;
  if (failures < rules.backoffThreshold) return lastAt;
  const delay = Math.min(rules.maxDelaySeconds, 2 ** (failures - rules.backoffThreshold));
  return new Date(lastAt.getTime() + delay * 1000);
}

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
export function createThrottle(context: TwofoldContext) {
  const { db } = context;
  return {
    /**
     * Reserves one attempt, or throws MFA_LOCKED; answers the user's active factors, read in
     * the same statement.
     */
    async reserve(userId: string): Promise<MfaFactor[]> {
      const now = context.now();
      const state = await reserveAttempt(db, { userId, now, rules: RULES });
      if (state?.reserved) return state.factors;
      if (!state || state.attempts >= MAX_CONSECUTIVE_FAILURES) {
        throw appError(
          'MFA_LOCKED',
          undefined,
          // A password reset does not unlock it: whoever holds the mailbox must not buy fresh
          // guesses with it (NIST SP 800-63B: at most 100 failures in a row, ever).
          'Too many wrong codes: second-factor sign-in is locked. Ask an administrator to unlock it.',
        );
      }
      const waitMs = (state.lockedUntil?.getTime() ?? now.getTime()) - now.getTime();
      throw appError(
        'MFA_LOCKED',
        { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) },
        'Too many wrong codes. Wait before trying again.',
      );
    },

    /**
     * Reserves one attempt at a mailbox code (registration or email change), or throws
     * VERIFICATION_LOCKED: with `retryAfter` in backoff, without once the 20 failures are spent
     * (then only a password reset, which proves the same mailbox, starts the count again).
     */
    async reserveCode(userId: string): Promise<void> {
      const now = context.now();
      const state = await reserveCodeAttempt(db, { userId, now, rules: CODE_RULES });
      if (state?.reserved) return;
      throw codeLocked(state?.attempts ?? CODE_MAX_CONSECUTIVE_FAILURES, state?.lockedUntil, now);
    },

    async resetCode(userId: string, tx: Transaction | Database = db): Promise<void> {
      await resetCodeAttempts(tx, userId);
    },

    /**
     * The same refusals for a decoy sign-up (an address that already has an account), so its
     * answers match a new account's at every count. Its failures are not the owner's: counting
     * them on the owner's row would let anyone lock an account they do not hold. They are
     * counted from the refusals recorded for this decoy challenge instead. Nothing is at stake
     * (a decoy code can never match), so this reads rather than reserves.
     */
    async reserveDecoyCode(ownerId: string, challengeId: string): Promise<void> {
      const [state] = await db
        .select({
          failures: sql<number>`count(*)::int`.mapWith(Number),
          lastAt: sql<string | null>`max(${securityEvents.createdAt})`,
        })
        .from(securityEvents)
        .where(
          and(
            eq(securityEvents.userId, ownerId),
            eq(securityEvents.type, VERIFICATION_FAILED_EVENT),
            sql`${securityEvents.metadata}->>'decoy' = ${challengeId}`,
          ),
        );
      const failures = state?.failures ?? 0;
      if (failures === 0 || !state?.lastAt) return;
      const now = context.now();
      const next = nextCodeAttemptAt(failures, new Date(state.lastAt));
      if (next && next <= now) return;
      throw codeLocked(failures, next, now);
    },

    async reset(userId: string): Promise<void> {
      await db
        .update(members)
        .set({ mfaFailedAttempts: 0, mfaLockedUntil: null })
        .where(eq(members.id, userId));
    },
  };
}

function codeLocked(attempts: number, lockedUntil: Date | null | undefined, now: Date) {
  if (attempts >= CODE_MAX_CONSECUTIVE_FAILURES || !lockedUntil) {
    return appError(
      'VERIFICATION_LOCKED',
      undefined,
      'Too many wrong codes for this account. Reset your password to verify this address.',
    );
  }
  const waitMs = lockedUntil.getTime() - now.getTime();
  return appError(
    'VERIFICATION_LOCKED',
    { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) },
    'Too many wrong codes. Wait before trying again.',
  );
}
