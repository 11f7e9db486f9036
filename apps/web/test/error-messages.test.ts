import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/lib/api-error';
import { attemptsLeftMessage, errorMessage } from '../src/lib/error-messages';

describe('errorMessage', () => {
  it('keeps its own wording for a 500 whose code it does not know', () => {
    const error = new ApiError({ code: 'FORBIDDEN', message: 'Internal detail.', status: 500 });
    expect(errorMessage(error)).toBe('Something went wrong on our side. Please try again.');
  });

  it('uses the API message for a 4xx whose code it does not know', () => {
    const error = new ApiError({
      code: 'FORBIDDEN',
      message: 'Only administrators can do that.',
      status: 403,
    });
    expect(errorMessage(error)).toBe('Only administrators can do that.');
  });

  it('says which rule a refused password broke, in the API words', () => {
    const error = new ApiError({
      code: 'WEAK_PASSWORD',
      message: 'The password must not contain your email address.',
      status: 400,
    });
    expect(errorMessage(error)).toBe('The password must not contain your email address.');
  });

  it('says how long to wait when rate limited', () => {
    const error = new ApiError({
      code: 'RATE_LIMITED',
      message: 'Too many requests.',
      status: 429,
      retryAfter: 75,
    });
    expect(errorMessage(error)).toBe('Too many attempts. Try again in 1:15.');
  });

  it('says how long to wait, or what to do, when a mailbox code is locked or codes are capped', () => {
    const locked = (retryAfter?: number) =>
      errorMessage(
        new ApiError({
          code: 'VERIFICATION_LOCKED',
          message: 'Too many wrong codes.',
          status: 429,
          ...(retryAfter ? { retryAfter } : {}),
        }),
      );
    expect(locked(8)).toBe('Too many wrong codes. Wait 0:08, then try again.');
    expect(locked()).toBe(
      'Too many wrong codes for this address. Reset your password to verify it.',
    );
    const capped = new ApiError({
      code: 'TOO_MANY_CODES',
      message: 'Too many codes were sent to this address. Try again later.',
      status: 429,
      retryAfter: 1_200,
    });
    expect(errorMessage(capped)).toBe(
      'Too many codes were sent to this address. You can ask for another in 20:00.',
    );
  });
});

describe('attemptsLeftMessage', () => {
  it('counts the tries left, singular and plural', () => {
    const left = (attemptsLeft: number) =>
      attemptsLeftMessage(
        new ApiError({ code: 'INVALID_CODE', message: 'No.', status: 400, attemptsLeft }),
      );
    expect(left(2)).toBe('2 attempts left.');
    expect(left(1)).toBe('1 attempt left.');
    expect(left(0)).toBe('No attempts left for this code.');
  });

  it('says nothing when the API did not count', () => {
    expect(
      attemptsLeftMessage(new ApiError({ code: 'INVALID_CODE', message: 'No.', status: 400 })),
    ).toBeUndefined();
  });
});
