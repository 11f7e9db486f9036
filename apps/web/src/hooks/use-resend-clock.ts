import { useState } from 'react';
import type { ApiError } from '../lib/api-error';
import { useSecondsUntil } from './use-seconds-until';

/**
 * When the next emailed code may be asked for, counting down once a second. The server's
 * answers set it: a sent code's `resendAvailableAt`, or a refusal's `retryAfter`.
 */
export function useResendClock(initial?: string | number) {
  const [availableAt, setAvailableAt] = useState<string | number | undefined>(initial);
  const secondsLeft = useSecondsUntil(availableAt);

  return {
    secondsLeft,
    /** A code went out: the next one may follow at `at` (ISO time or epoch milliseconds). */
    restart(at: string | number) {
      setAvailableAt(at);
    },
    /** A send was refused: the server knows when the next one may go out, so follow its clock. */
    follow(error: ApiError) {
      if (error.retryAfter) setAvailableAt(Date.now() + error.retryAfter * 1000);
    },
  };
}
