import { useMutation } from '@tanstack/react-query';
import type { MfaEmailSendResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';

/** Emails a sign-in code for the pending challenge; a new code voids the previous one. */
export function sendSignInCode(): Promise<MfaEmailSendResponse> {
  return api.post<MfaEmailSendResponse>('/api/auth/mfa/email', {});
}

export function useSendSignInCode() {
  return useMutation({ mutationFn: sendSignInCode });
}
