import { Type, type Static } from 'typebox';

/**
 * Every error the API can answer with: a stable code, its HTTP status and a default message
 * written for the person in front of the screen. Clients branch on `code`, never on `message`.
 */
export const ErrorCodes = {
  VALIDATION_ERROR: { status: 400, message: 'Some fields are missing or invalid.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the request body as application/json.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Please wait a moment and try again.' },
  UNAUTHENTICATED: { status: 401, message: 'Please sign in to continue.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The email or password is incorrect.' },
  VERIFICATION_NOT_PENDING: {
    status: 401,
    message: 'There is no verification in progress. Please sign up or sign in again.',
  },
  CHALLENGE_REQUIRED: {
    status: 401,
    message: 'Your sign-in attempt has expired. Please sign in again.',
  },
  INVALID_CODE: { status: 400, message: 'That code is not valid. Check it and try again.' },
  CODE_EXPIRED: { status: 400, message: 'That code has expired. Request a new one.' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many wrong codes. Request a new code.' },
  RESEND_TOO_SOON: { status: 429, message: 'Please wait before requesting another code.' },
  CODE_ALREADY_USED: {
    status: 400,
    message: 'That code has already been used. Wait for a new one.',
  },
  MFA_LOCKED: {
    status: 429,
    message:
      'Two-factor sign-in is locked after too many failed attempts. Contact an administrator to unlock it.',
  },
  VERIFICATION_LOCKED: {
    status: 429,
    message:
      'Too many wrong codes for this account. Wait before trying again, or reset your password.',
  },
  TOO_MANY_CODES: {
    status: 429,
    message: 'Too many codes were sent to this address. Try again later.',
  },
  MFA_SETUP_REQUIRED: {
    status: 403,
    message: 'Your organisation requires two-factor authentication. Set it up to continue.',
  },
  STEP_UP_REQUIRED: { status: 403, message: 'Please confirm your identity to continue.' },
  CODE_REQUIRED: {
    status: 403,
    message: 'Enter a current code from your authenticator app, email or backup codes to do this.',
  },
  FORBIDDEN: { status: 403, message: 'You do not have permission to do that.' },
  CSRF_REJECTED: {
    status: 403,
    message: 'The request was blocked because it came from another site.',
  },
  HOST_NOT_ALLOWED: {
    status: 403,
    message: 'This development server only answers its own host names.',
  },
  EMAIL_ALREADY_VERIFIED: { status: 409, message: 'This email address is already verified.' },
  EMAIL_UNCHANGED: { status: 400, message: 'That is already the email address of your account.' },
  EMAIL_TAKEN: {
    status: 409,
    message: 'That email address now belongs to another account. Choose a different one.',
  },
  FACTOR_NOT_FOUND: { status: 404, message: 'That authentication method was not found.' },
  FACTOR_ALREADY_ACTIVE: { status: 409, message: 'That authentication method is already set up.' },
  MFA_NOT_ENABLED: { status: 409, message: 'Two-factor authentication is not enabled.' },
  WEAK_PASSWORD: {
    status: 400,
    message: 'That password is too weak. Choose a longer, less common one.',
  },
  MAIL_UNAVAILABLE: {
    status: 503,
    message: 'We could not send the email right now. Please try again shortly.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'The service is temporarily unavailable. Please try again shortly.',
  },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side. Please try again.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

/** All codes, e.g. for exhaustive handling in clients or generated docs. */
export const ERROR_CODES = Object.keys(ErrorCodes) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCodes, value);
}

export const ErrorDetail = Type.Object({
  path: Type.String({ description: 'JSON pointer of the offending field, e.g. "/email"' }),
  message: Type.String(),
});
export type ErrorDetail = Static<typeof ErrorDetail>;

export const ErrorResponse = Type.Object(
  {
    code: Type.String({ description: 'Stable error code from ErrorCodes' }),
    message: Type.String({ description: 'Human-readable; may change, do not branch on it' }),
    retryAfter: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Seconds to wait before retrying' }),
    ),
    attemptsLeft: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Tries left for this code' }),
    ),
    details: Type.Optional(
      Type.Array(ErrorDetail, { description: 'Per-field problems for VALIDATION_ERROR' }),
    ),
  },
  { title: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;
