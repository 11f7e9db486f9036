import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OkResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { adminKeys } from './admin-keys';

/** Removes every factor, backup code and trusted browser of a user and ends their sessions. */
export function resetUserMfa(userId: string): Promise<OkResponse> {
  return api.post<OkResponse>(`/api/admin/users/${encodeURIComponent(userId)}/mfa/reset`, {});
}

export function useResetUserMfa() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resetUserMfa,
    // The list (MFA state, policy status) and the user's timeline both change.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.users() }),
  });
}
