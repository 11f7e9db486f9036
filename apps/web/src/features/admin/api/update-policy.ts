import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MfaPolicyBody, MfaPolicyResponse } from '@twofold/mfa-core/contracts';
import { useStepUp } from '../../../components/step-up/use-step-up';
import { api } from '../../../lib/api-client';
import { adminKeys } from './admin-keys';

/** Saves both roles' rules at once (step-up). */
export function updatePolicy(body: MfaPolicyBody): Promise<MfaPolicyResponse> {
  return api.put<MfaPolicyResponse>('/api/admin/policy', body);
}

export function useUpdatePolicy() {
  const queryClient = useQueryClient();
  const { run } = useStepUp();
  return useMutation({
    mutationFn: (body: MfaPolicyBody) => run(() => updatePolicy(body)),
    onSuccess: async (policy) => {
      queryClient.setQueryData(adminKeys.policy(), policy);
      // Every user's policy status may have changed with the rules.
      await queryClient.invalidateQueries({ queryKey: adminKeys.users() });
    },
  });
}
