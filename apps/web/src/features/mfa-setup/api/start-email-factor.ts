import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EmailFactorStartResponse } from '@twofold/mfa-core/contracts';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { api } from '../../../lib/api-client';
import { sharedKeys } from '../../../api/shared-keys';

/**
 * Emails a 6-digit code to the account address; calling it again resends (after 60 s). Step-up
 * as for the authenticator app.
 */
export function startEmailFactor(): Promise<EmailFactorStartResponse> {
  return api.post<EmailFactorStartResponse>('/api/mfa/email', {});
}

export function useStartEmailFactor() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: () => run(startEmailFactor),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sharedKeys.mfaStatus() }),
  });
}
