import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TotpEnrollResponse } from '@twofold/mfa-core/contracts';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { api } from '../../../lib/api-client';
import { sharedKeys } from '../../../api/shared-keys';

/**
 * Creates (or, on a retried wizard, returns again) the pending authenticator-app secret. Asks
 * for step-up unless this is the account's first factor in a session signed in minutes ago.
 */
export function startTotp(): Promise<TotpEnrollResponse> {
  return api.post<TotpEnrollResponse>('/api/mfa/totp', {});
}

export function useStartTotp() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: () => run(startTotp),
    // A pending factor now shows in the status.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sharedKeys.mfaStatus() }),
  });
}
