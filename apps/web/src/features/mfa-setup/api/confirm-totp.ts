import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FactorConfirmResponse, TotpConfirmBody } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { invalidateMfaState } from '../../../api/get-mfa-status';

/** Activates the authenticator app with a current code; the first factor brings backup codes. */
export function confirmTotp(body: TotpConfirmBody): Promise<FactorConfirmResponse> {
  return api.post<FactorConfirmResponse>('/api/mfa/totp/confirm', body);
}

export function useConfirmTotp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: confirmTotp,
    onSuccess: () => invalidateMfaState(queryClient),
  });
}
