import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  AuthenticatedResponse,
  MfaSetupRequiredResponse,
  VerifyCodeBody,
} from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { refreshSession } from './refresh-session';

export type VerifyEmailResult = AuthenticatedResponse | MfaSetupRequiredResponse;

/**
 * Confirms the emailed code of a pending registration (or of an unverified sign-in) and signs in.
 * Under an MFA policy with no grace left the session can only enroll (mfa_setup_required).
 */
export function verifyEmail(body: VerifyCodeBody): Promise<VerifyEmailResult> {
  return api.post<VerifyEmailResult>('/api/auth/register/verify', body);
}

export function useVerifyEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: verifyEmail,
    onSuccess: () => refreshSession(queryClient),
  });
}
