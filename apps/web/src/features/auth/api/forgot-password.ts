import { useMutation } from '@tanstack/react-query';
import type { ForgotPasswordBody, ForgotPasswordResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';

/** Emails a reset code if the address has an account; the answer is the same either way. */
export function forgotPassword(body: ForgotPasswordBody): Promise<ForgotPasswordResponse> {
  return api.post<ForgotPasswordResponse>('/api/auth/password/forgot', body);
}

export function useForgotPassword() {
  return useMutation({ mutationFn: forgotPassword });
}
