import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FactorConfirmResponse, TotpConfirmBody } from '@twofold/mfa-core/contracts';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { api } from '../../../lib/api-client';
import { invalidateMfaState } from '../../../api/get-mfa-status';

/** Activates the authenticator app with a current code; the first factor brings backup codes.
 * Step-up again only if the window closed since the start. */
export function confirmTotp(body: TotpConfirmBody): Promise<FactorConfirmResponse> {
  return api.post<FactorConfirmResponse>('/api/mfa/totp/confirm', body);
}

export function useConfirmTotp() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: (body: TotpConfirmBody) => run(() => confirmTotp(body)),
    onSuccess: () => invalidateMfaState(queryClient),
  });
}
