import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  AuthenticatedResponse,
  MfaSetupRequiredResponse,
  MfaVerifyBody,
} from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { refreshSession } from './refresh-session';

export type SecondFactorResult = AuthenticatedResponse | MfaSetupRequiredResponse;

/** Finishes a sign-in with the second factor; needs the challenge cookie set by the login. */
export function verifySecondFactor(body: MfaVerifyBody): Promise<SecondFactorResult> {
  return api.post<SecondFactorResult>('/api/auth/mfa/verify', body);
}

export function useVerifySecondFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: verifySecondFactor,
    // Both answers open a session (an enroll-only one for mfa_setup_required).
    onSuccess: () => refreshSession(queryClient),
  });
}
