import { useState } from 'react';
import type { UseMutationResult } from '@tanstack/react-query';
import type { ApiError } from '../lib/api-error';
import { useResendClock } from './use-resend-clock';

/** What is known about the code in the inbox; `expiresAt` is unknown when a send was refused as too soon. */
export interface EmailCodeSent {
  expiresAt?: string;
  resendAvailableAt: string | number;
}

/**
 * An emailed code the person is typing, which they may ask to have sent again: when it expires,
 * the countdown to the next send, whether a new one just went out, and the resend itself.
 * `onResent` runs with the server's answer once a new code went out (to clear the field and
 * the last refusal, or to remember the new times).
 */
export function useEmailedCode<Sent extends EmailCodeSent>(
  sent: Sent,
  resendMutation: UseMutationResult<
    { expiresAt: string; resendAvailableAt: string },
    ApiError,
    void
  >,
  onResent: (sent: { expiresAt: string; resendAvailableAt: string }) => void,
) {
  const [expiresAt, setExpiresAt] = useState<Sent['expiresAt'] | string>(sent.expiresAt);
  const [resent, setResent] = useState(false);
  const clock = useResendClock(sent.resendAvailableAt);

  return {
    expiresAt,
    /** A new code went out after the first one (the old one no longer works). */
    resent,
    secondsLeft: clock.secondsLeft,
    pending: resendMutation.isPending,
    // A refusal for timing is already shown by the countdown on the button.
    error: resendMutation.error?.code === 'RESEND_TOO_SOON' ? null : resendMutation.error,
    resend() {
      setResent(false);
      resendMutation.mutate(undefined, {
        onSuccess: (result) => {
          setExpiresAt(result.expiresAt);
          clock.restart(result.resendAvailableAt);
          onResent(result);
          setResent(true);
        },
        onError: clock.follow,
      });
    },
  };
}
