import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCodeField } from '../src/hooks/use-code-field';
import { useResendClock } from '../src/hooks/use-resend-clock';
import { useSecondsUntil } from '../src/hooks/use-seconds-until';
import { ApiError } from '../src/lib/api-error';
import { codeErrorMessage } from '../src/lib/error-messages';

afterEach(() => {
  vi.useRealTimers();
});

describe('useCodeField', () => {
  it('refuses a short code and flags the field until the next edit', () => {
    const onEdit = vi.fn();
    const { result } = renderHook(() => useCodeField({ length: 6, onEdit }));

    act(() => result.current.change('123'));
    let taken: string | null = 'unset';
    act(() => {
      taken = result.current.take();
    });
    expect(taken).toBeNull();
    expect(result.current.incomplete).toBe(true);

    act(() => result.current.change('123456'));
    expect(result.current.incomplete).toBe(false);
    expect(onEdit).toHaveBeenCalledTimes(2);
    act(() => {
      taken = result.current.take();
    });
    expect(taken).toBe('123456');
  });

  it('starts from a given code and clears to empty', () => {
    const { result } = renderHook(() => useCodeField({ initial: '654321' }));
    expect(result.current.code).toBe('654321');
    act(() => result.current.clear());
    expect(result.current.code).toBe('');
  });
});

describe('useResendClock', () => {
  it('counts down from a sent code and follows a refusal’s retryAfter', () => {
    vi.useFakeTimers({ now: new Date('2026-11-22T12:00:00Z') });
    const { result } = renderHook(() => useResendClock('2026-11-22T12:01:00Z'));
    expect(result.current.secondsLeft).toBe(60);

    act(() => {
      result.current.follow(
        new ApiError({ code: 'RESEND_TOO_SOON', message: 'Wait.', status: 429, retryAfter: 42 }),
      );
    });
    expect(result.current.secondsLeft).toBe(42);

    // A refusal without a time (mail down, say) leaves the clock as it was.
    act(() => {
      result.current.follow(
        new ApiError({ code: 'MAIL_UNAVAILABLE', message: 'Mail is down.', status: 503 }),
      );
    });
    expect(result.current.secondsLeft).toBe(42);

    act(() => {
      vi.advanceTimersByTime(42_000);
    });
    expect(result.current.secondsLeft).toBe(0);

    act(() => result.current.restart(Date.now() + 60_000));
    expect(result.current.secondsLeft).toBe(60);
  });
});

describe('useSecondsUntil', () => {
  it('rounds a part second up, so a countdown reaches 0:00 only when the time is up', () => {
    vi.useFakeTimers({ now: new Date('2026-11-22T12:00:00Z') });
    const { result } = renderHook(() => useSecondsUntil('2026-11-22T12:00:01.500Z'));
    expect(result.current).toBe(2);

    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(result.current).toBe(1);

    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(result.current).toBe(0);
  });
});

describe('codeErrorMessage', () => {
  it('adds the tries left to the sentence', () => {
    const error = new ApiError({
      code: 'INVALID_CODE',
      message: 'Invalid code.',
      status: 400,
      attemptsLeft: 2,
    });
    expect(codeErrorMessage(error)).toBe(
      'That code is not right. Check the email and try again. 2 attempts left.',
    );
  });
});
