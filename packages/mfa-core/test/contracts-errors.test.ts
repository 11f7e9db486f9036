import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ErrorCodes, ErrorResponse, isErrorCode } from '../src/contracts/index.js';

describe('ErrorCodes', () => {
  const expected: Record<string, number> = {
    VALIDATION_ERROR: 400,
    INVALID_JSON: 400,
    PAYLOAD_TOO_LARGE: 413,
    UNSUPPORTED_MEDIA_TYPE: 415,
    NOT_FOUND: 404,
    RATE_LIMITED: 429,
    UNAUTHENTICATED: 401,
    INVALID_CREDENTIALS: 401,
    VERIFICATION_NOT_PENDING: 401,
    CHALLENGE_REQUIRED: 401,
    INVALID_CODE: 400,
    CODE_EXPIRED: 400,
    TOO_MANY_ATTEMPTS: 429,
    RESEND_TOO_SOON: 429,
    CODE_ALREADY_USED: 400,
    MFA_LOCKED: 429,
    VERIFICATION_LOCKED: 429,
    TOO_MANY_CODES: 429,
    MFA_SETUP_REQUIRED: 403,
    STEP_UP_REQUIRED: 403,
    CODE_REQUIRED: 403,
    FORBIDDEN: 403,
    CSRF_REJECTED: 403,
    HOST_NOT_ALLOWED: 403,
    EMAIL_ALREADY_VERIFIED: 409,
    EMAIL_UNCHANGED: 400,
    EMAIL_TAKEN: 409,
    FACTOR_NOT_FOUND: 404,
    FACTOR_ALREADY_ACTIVE: 409,
    MFA_NOT_ENABLED: 409,
    WEAK_PASSWORD: 400,
    MAIL_UNAVAILABLE: 503,
    SERVICE_UNAVAILABLE: 503,
    INTERNAL_ERROR: 500,
  };

  it.each(Object.entries(expected))('%s answers %i with a message', (code, status) => {
    expect(isErrorCode(code)).toBe(true);
    const entry = ErrorCodes[code as keyof typeof ErrorCodes];
    expect(entry.status).toBe(status);
    expect(entry.message.length).toBeGreaterThan(5);
  });

  it('lists every code once in ERROR_CODES', () => {
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(ErrorCodes).sort());
    expect(ERROR_CODES).toEqual(expect.arrayContaining(Object.keys(expected)));
  });

  it('does not treat inherited names as codes', () => {
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('NOPE')).toBe(false);
  });

  it('ErrorResponse allows the optional hints', () => {
    expect(Value.Check(ErrorResponse, { code: 'INVALID_CODE', message: 'x' })).toBe(true);
    expect(
      Value.Check(ErrorResponse, {
        code: 'VALIDATION_ERROR',
        message: 'x',
        retryAfter: 30,
        attemptsLeft: 2,
        details: [{ path: '/email', message: 'must be an email' }],
      }),
    ).toBe(true);
    expect(Value.Check(ErrorResponse, { code: 'X', message: 'x', retryAfter: 1.5 })).toBe(false);
    expect(Value.Check(ErrorResponse, { message: 'x' })).toBe(false);
  });
});
