import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OkResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { sharedKeys } from '../../../api/shared-keys';
import { securitySettingsKeys } from './security-settings-keys';

/** Forgets every trusted browser, this one included. */
export function revokeAllTrustedDevices(): Promise<OkResponse> {
  return api.delete<OkResponse>('/api/mfa/trusted-devices');
}

export function useRevokeAllTrustedDevices() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeAllTrustedDevices,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: sharedKeys.mfaStatus() });
      void queryClient.invalidateQueries({ queryKey: securitySettingsKeys.events() });
    },
  });
}
