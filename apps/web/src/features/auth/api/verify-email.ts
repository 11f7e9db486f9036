import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AuthenticatedResponse, VerifyCodeBody } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { refreshSession } from './refresh-session';

/** Confirms the emailed code of a pending registration (or of an unverified sign-in) and signs in. */
export function verifyEmail(body: VerifyCodeBody): Promise<AuthenticatedResponse> {
  return api.post<AuthenticatedResponse>('/api/auth/register/verify', body);
}

export function useVerifyEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: verifyEmail,
    onSuccess: () => refreshSession(queryClient),
  });
}
