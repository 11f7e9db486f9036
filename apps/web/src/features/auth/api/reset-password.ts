import { useMutation } from '@tanstack/react-query';
import type { ResetPasswordBody, ResetPasswordResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';

/** Sets a new password with the emailed code. It does not sign in: a second factor still applies. */
export function resetPassword(body: ResetPasswordBody): Promise<ResetPasswordResponse> {
  return api.post<ResetPasswordResponse>('/api/auth/password/reset', body);
}

export function useResetPassword() {
  return useMutation({ mutationFn: resetPassword });
}
