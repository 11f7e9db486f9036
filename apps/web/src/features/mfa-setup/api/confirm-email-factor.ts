import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EmailFactorConfirmBody, FactorConfirmResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { invalidateMfaState } from '../../../api/get-mfa-status';

/** Activates email codes with the emailed code; the first factor brings backup codes. */
export function confirmEmailFactor(body: EmailFactorConfirmBody): Promise<FactorConfirmResponse> {
  return api.post<FactorConfirmResponse>('/api/mfa/email/confirm', body);
}

export function useConfirmEmailFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: confirmEmailFactor,
    onSuccess: () => invalidateMfaState(queryClient),
  });
}
