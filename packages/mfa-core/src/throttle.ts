/**
 * Per-account throttling of second-factor failures (NIST SP 800-63B 5.2.2).
 *
 * `failedAttempts` is the count of consecutive failures for the account, across all its
 * challenges and IPs, reset by a successful second step. The first few mistakes cost nothing;
 * from the 5th failure each further attempt waits 2^(n-5) seconds, capped at 15 minutes.
 * After MAX_CONSECUTIVE_FAILURES the account is locked: no more second-factor attempts are
 * accepted until an admin resets the user's MFA (audited). A password reset does not clear the
 * counter: whoever holds the mailbox must not buy fresh guesses with it.
 */

/** Failures at or above this count start the backoff. */
export const MFA_BACKOFF_THRESHOLD = 5;
export const MFA_MAX_DELAY_SECONDS = 15 * 60;
export const MAX_CONSECUTIVE_FAILURES = 100;

export interface MfaThrottle {
  /** Seconds to wait after the last failure before the next attempt is accepted. */
  delaySeconds: number;
  /** True once the failure budget is spent; delaySeconds then holds the maximum delay. */
  locked: boolean;
}

export function mfaThrottle(failedAttempts: number): MfaThrottle {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 0) {
    throw new RangeError('failedAttempts must be a non-negative integer');
  }
  if (failedAttempts >= MAX_CONSECUTIVE_FAILURES) {
    return { delaySeconds: MFA_MAX_DELAY_SECONDS, locked: true };
  }
  if (failedAttempts < MFA_BACKOFF_THRESHOLD) return { delaySeconds: 0, locked: false };
  const exponent = failedAttempts - MFA_BACKOFF_THRESHOLD;
  return { delaySeconds: Math.min(2 ** exponent, MFA_MAX_DELAY_SECONDS), locked: false };
}
