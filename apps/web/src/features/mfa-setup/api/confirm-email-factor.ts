import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EmailFactorConfirmBody, FactorConfirmResponse } from '@twofold/mfa-core/contracts';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { api } from '../../../lib/api-client';
import { invalidateMfaState } from '../../../api/get-mfa-status';

/** Activates email codes with the emailed code; the first factor brings backup codes.
 * Step-up again only if the window closed since the start. */
export function confirmEmailFactor(body: EmailFactorConfirmBody): Promise<FactorConfirmResponse> {
  return api.post<FactorConfirmResponse>('/api/mfa/email/confirm', body);
}

export function useConfirmEmailFactor() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: (body: EmailFactorConfirmBody) => run(() => confirmEmailFactor(body)),
    onSuccess: () => invalidateMfaState(queryClient),
  });
}
