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
      // mfa_setup_required also sets a (enroll-only) session, but the notice explaining it
      // must be read first; that step refreshes the session when the user continues.
      if (result.status === 'authenticated') await refreshSession(queryClient);
    },
  });
}
