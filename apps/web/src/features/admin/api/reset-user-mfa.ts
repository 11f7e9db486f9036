import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OkResponse } from '@twofold/mfa-core/contracts';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { api } from '../../../lib/api-client';
import { adminKeys } from './admin-keys';

/**
 * Removes every factor, backup code and trusted browser of a user and ends their sessions.
 * Step-up; refused (403 FORBIDDEN) for the admin's own account, which goes through their
 * security settings like anyone's.
 */
export function resetUserMfa(userId: string): Promise<OkResponse> {
  return api.post<OkResponse>(`/api/admin/users/${encodeURIComponent(userId)}/mfa/reset`, {});
}

export function useResetUserMfa() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: (userId: string) => run(() => resetUserMfa(userId)),
    // The list (MFA state, policy status) and the user's timeline both change.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.users() }),
  });
}
