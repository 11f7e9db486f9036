import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DisableMfaBody, OkResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { invalidateAfterSecurityChange } from './security-settings-keys';

/**
 * Turns two-factor off (step-up, plus a current code unless the identity check was under 5
 * minutes ago: `{}` then, else 403 CODE_REQUIRED): methods, backup codes and trusted browsers go.
 */
export function disableMfa(body: DisableMfaBody): Promise<OkResponse> {
  return api.post<OkResponse>('/api/mfa/disable', body);
}

export function useDisableMfa() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: (body: DisableMfaBody) => run(() => disableMfa(body)),
    onSuccess: () => invalidateAfterSecurityChange(queryClient),
  });
}
