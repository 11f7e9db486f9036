import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TotpEnrollResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { sharedKeys } from '../../../api/shared-keys';

/** Creates (or, on a retried wizard, returns again) the pending authenticator-app secret. */
export function startTotp(): Promise<TotpEnrollResponse> {
  return api.post<TotpEnrollResponse>('/api/mfa/totp', {});
}

export function useStartTotp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: startTotp,
    // A pending factor now shows in the status.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sharedKeys.mfaStatus() }),
  });
}
