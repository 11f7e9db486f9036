import { useMutation } from '@tanstack/react-query';
import type { MfaEmailSendResponse } from '@twofold/mfa-core/contracts';
import { api } from '../lib/api-client';

/** Emails a code that confirms identity (step-up, or turning two-factor off); valid 10 minutes. */
export function sendStepUpEmail(): Promise<MfaEmailSendResponse> {
  return api.post<MfaEmailSendResponse>('/api/auth/reauthenticate/email', {});
}

export function useSendStepUpEmail() {
  return useMutation({ mutationFn: sendStepUpEmail });
}
