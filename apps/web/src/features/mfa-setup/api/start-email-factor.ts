import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EmailFactorStartResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { sharedKeys } from '../../../api/shared-keys';

/** Emails a 6-digit code to the account address; calling it again resends (after 60 s). */
export function startEmailFactor(): Promise<EmailFactorStartResponse> {
  return api.post<EmailFactorStartResponse>('/api/mfa/email', {});
}

export function useStartEmailFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: startEmailFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sharedKeys.mfaStatus() }),
  });
}
