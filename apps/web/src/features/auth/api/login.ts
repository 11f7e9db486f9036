import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoginBody, LoginResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { refreshSession } from './refresh-session';

export function login(body: LoginBody): Promise<LoginResponse> {
  return api.post<LoginResponse>('/api/auth/login', body);
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: async (result) => {
      // Both open a session (an enroll-only one for mfa_setup_required); the other answers
      // only start a next step.
      if (result.status === 'authenticated' || result.status === 'mfa_setup_required') {
        await refreshSession(queryClient);
      }
    },
  });
}
