import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OkResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { invalidateAfterSecurityChange } from './security-settings-keys';

/** Removes one method (step-up); removing the last one turns two-factor off. */
export function removeFactor(id: string): Promise<OkResponse> {
  return api.delete<OkResponse>(`/api/mfa/factors/${encodeURIComponent(id)}`);
}

export function useRemoveFactor() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: (id: string) => run(() => removeFactor(id)),
    onSuccess: () => invalidateAfterSecurityChange(queryClient),
  });
}
