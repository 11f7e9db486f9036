import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RevokeSessionsResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { securitySettingsKeys } from './security-settings-keys';

/** Ends one of the user's sessions (step-up); that browser is signed out on its next request. */
export function revokeSession(id: string): Promise<RevokeSessionsResponse> {
  return api.delete<RevokeSessionsResponse>(`/api/sessions/${encodeURIComponent(id)}`);
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: (id: string) => run(() => revokeSession(id)),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: securitySettingsKeys.sessions() });
      void queryClient.invalidateQueries({ queryKey: securitySettingsKeys.events() });
    },
  });
}
