import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OkResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { invalidateStatusAndEvents } from './security-settings-keys';

/** Forgets every trusted browser, this one included. */
export function revokeAllTrustedDevices(): Promise<OkResponse> {
  return api.delete<OkResponse>('/api/mfa/trusted-devices');
}

export function useRevokeAllTrustedDevices() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeAllTrustedDevices,
    onSuccess: () => void invalidateStatusAndEvents(queryClient),
  });
}
