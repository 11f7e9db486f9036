import { useMutation } from '@tanstack/react-query';
import type { RegisterBody, VerificationRequiredResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';

/** Creates the account and emails a code; a pending-registration cookie ties the next step to it. */
export function register(body: RegisterBody): Promise<VerificationRequiredResponse> {
  return api.post<VerificationRequiredResponse>('/api/auth/register', body);
}

export function useRegister() {
  return useMutation({ mutationFn: register });
}
