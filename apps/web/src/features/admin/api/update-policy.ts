import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MfaPolicyBody, MfaPolicyResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { adminKeys } from './admin-keys';

export function updatePolicy(body: MfaPolicyBody): Promise<MfaPolicyResponse> {
  return api.put<MfaPolicyResponse>('/api/admin/policy', body);
}

export function useUpdatePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updatePolicy,
    onSuccess: async (policy) => {
      queryClient.setQueryData(adminKeys.policy(), policy);
      // Every user's policy status may have changed with the rules.
      await queryClient.invalidateQueries({ queryKey: adminKeys.users() });
    },
  });
}
