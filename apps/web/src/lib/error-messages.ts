import type { ApiError, ApiErrorCode } from './api-error';
import { formatCountdown } from './format';

/**
 * Wording the SPA prefers over the server's default message for codes its screens meet.
 * Anything not listed falls back to the API's message, which is written for end users too.
 * WEAK_PASSWORD is left out on purpose: its message says which rule the password broke
 * (it contains the email address, too few different characters), which no fixed wording can.
 */
const messages: Partial<Record<ApiErrorCode, string>> = {
  NETWORK_ERROR: 'Could not reach the server. Check your connection and try again.',
  UNEXPECTED_RESPONSE: 'The server sent an unexpected answer. Please try again in a moment.',
  INVALID_CREDENTIALS: 'Incorrect email or password.',
  INVALID_CODE: 'That code is not right. Check the email and try again.',
  CODE_EXPIRED: 'That code has expired. Request a new one.',
  TOO_MANY_ATTEMPTS: 'Too many wrong codes. Request a new code to try again.',
  CODE_ALREADY_USED: 'That code has already been used. Request a new one.',
  VERIFICATION_NOT_PENDING: 'This verification has ended. Sign in again to get a new code.',
  CHALLENGE_REQUIRED: 'Your sign-in attempt has expired. Please sign in again.',
  MAIL_UNAVAILABLE: 'We could not send the email right now. Please try again shortly.',
  INTERNAL_ERROR: 'Something went wrong on our side. Please try again.',
};

/** The one place an ApiError becomes a sentence for the person in front of the screen. */
export function errorMessage(error: ApiError): string {
  if (error.code === 'RESEND_TOO_SOON' && error.retryAfter) {
    return `You can request another code in ${formatCountdown(error.retryAfter)}.`;
  }
  if (error.code === 'RATE_LIMITED' && error.retryAfter) {
    return `Too many attempts. Try again in ${formatCountdown(error.retryAfter)}.`;
  }
  if (error.code === 'VERIFICATION_LOCKED') {
    return error.retryAfter
      ? `Too many wrong codes. Wait ${formatCountdown(error.retryAfter)}, then try again.`
      : 'Too many wrong codes for this address. Reset your password to verify it.';
  }
  if (error.code === 'TOO_MANY_CODES' && error.retryAfter) {
    return `Too many codes were sent to this address. You can ask for another in ${formatCountdown(error.retryAfter)}.`;
  }
  // 5xx bodies are deliberately vague on the server side; keep our own wording for them.
  if (error.status >= 500 && !messages[error.code]) return messages.INTERNAL_ERROR as string;
  return messages[error.code] ?? error.message;
}

/** "2 attempts left." when the API said how many wrong tries remain for a code. */
export function attemptsLeftMessage(error: ApiError | null | undefined): string | undefined {
  if (error?.attemptsLeft === undefined) return undefined;
  if (error.attemptsLeft === 0) return 'No attempts left for this code.';
  return `${error.attemptsLeft} ${error.attemptsLeft === 1 ? 'attempt' : 'attempts'} left.`;
}

/** A refused code's sentence, with the tries left for it when the API said: "That code is not right. 2 attempts left." */
export function codeErrorMessage(error: ApiError): string {
  return [errorMessage(error), attemptsLeftMessage(error)].filter(Boolean).join(' ');
}

/** Per-field messages of a VALIDATION_ERROR, keyed by field name ("/email" -> "email"). */
export function fieldErrors(error: ApiError | null | undefined): Record<string, string> {
  if (error?.code !== 'VALIDATION_ERROR' || !error.details) return {};
  const result: Record<string, string> = {};
  for (const detail of error.details) {
    const field = detail.path.replace(/^\//, '').split('/')[0] ?? '';
    if (field && !result[field]) result[field] = detail.message;
  }
  return result;
}
