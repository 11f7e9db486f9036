import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LogoutResponse } from '@twofold/mfa-core/contracts';
import { api, isApiError } from '../../../lib/api-client';
import { authKeys } from './auth-keys';

export async function logout(): Promise<LogoutResponse | undefined> {
  try {
    return await api.post<LogoutResponse>('/api/auth/logout');
  } catch (error) {
    // Already signed out (expired, or ended in another tab): that is what the user wanted.
    if (isApiError(error) && error.status === 401) return undefined;
    throw error;
  }
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
      queryClient.setQueryData(authKeys.session(), null);
    },
  });
}
