import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RevokeSessionsResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { securitySettingsKeys } from './security-settings-keys';

/** Ends every session except this one (step-up). */
export function revokeOtherSessions(): Promise<RevokeSessionsResponse> {
  return api.delete<RevokeSessionsResponse>('/api/sessions');
}

export function useRevokeOtherSessions() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: () => run(revokeOtherSessions),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: securitySettingsKeys.sessions() });
      void queryClient.invalidateQueries({ queryKey: securitySettingsKeys.events() });
    },
  });
}
