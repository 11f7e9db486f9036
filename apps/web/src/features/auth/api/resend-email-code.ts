import { useMutation } from '@tanstack/react-query';
import type { VerificationRequiredResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';

/** Emails a fresh code for the pending verification; the previous code stops working. */
export function resendEmailCode(): Promise<VerificationRequiredResponse> {
  return api.post<VerificationRequiredResponse>('/api/auth/register/resend', {});
}

export function useResendEmailCode() {
  return useMutation({ mutationFn: resendEmailCode });
}
