import type { MfaMethod } from '@twofold/mfa-core/contracts';
import type { ApiError } from '../../lib/api-error';
import { attemptsLeftMessage } from '../../lib/error-messages';
import { formatCountdown } from '../../lib/format';

/** What a failed second-factor request means for the dialog. */
export type VerifyFailure =
  /** The code itself: shown on the field, which is cleared for the next try. */
  | { kind: 'code'; message: string }
  /** Too many failures on the account: wait `retryAfter` seconds, or (without it) a hard lock. */
  | { kind: 'locked'; retryAfter: number | undefined }
  /** The 5-minute sign-in attempt is over: only "Start again" helps. */
  | { kind: 'expired' }
  /** Anything else (no connection, rate limit, server error): shown above the form. */
  | { kind: 'request'; error: ApiError };

const wrongCode: Record<MfaMethod, string> = {
  totp: 'That code is not right. Check your authenticator app and try again.',
  email: 'That code is not right. Check the latest email and try again.',
  backup_code: 'That backup code is not right, or it was already used.',
};

/**
 * Wording for the sign-in second step. It differs from the generic sentences on purpose: a TOTP
 * code that was already used means "wait for the next one", not "request a new one".
 */
export function classifyVerifyError(error: ApiError, method: MfaMethod): VerifyFailure {
  switch (error.code) {
    case 'INVALID_CODE':
    case 'VALIDATION_ERROR':
      return {
        kind: 'code',
        message: [wrongCode[method], attemptsLeftMessage(error)].filter(Boolean).join(' '),
      };
    case 'CODE_ALREADY_USED':
      return { kind: 'code', message: 'This code was already used. Wait for the next one.' };
    case 'CODE_EXPIRED':
      return {
        kind: 'code',
        message:
          method === 'email'
            ? 'That code has expired. Send a new one with “Resend code”.'
            : 'That code has expired. Enter the current one.',
      };
    case 'TOO_MANY_ATTEMPTS':
      return {
        kind: 'code',
        message: 'Too many wrong codes: this code no longer works. Send a new one.',
      };
    case 'MFA_LOCKED':
      return { kind: 'locked', retryAfter: error.retryAfter };
    case 'CHALLENGE_REQUIRED':
      return { kind: 'expired' };
    default:
      return { kind: 'request', error };
  }
}

export function lockedMessage(secondsLeft: number): string {
  return `Too many wrong codes. Try again in ${formatCountdown(secondsLeft)}.`;
}
