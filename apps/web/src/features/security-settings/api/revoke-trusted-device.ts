import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OkResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { invalidateStatusAndEvents } from './security-settings-keys';

/** Forgets one trusted browser: its next sign-in asks for the second factor again. */
export function revokeTrustedDevice(id: string): Promise<OkResponse> {
  return api.delete<OkResponse>(`/api/mfa/trusted-devices/${encodeURIComponent(id)}`);
}

export function useRevokeTrustedDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeTrustedDevice,
    onSuccess: () => void invalidateStatusAndEvents(queryClient),
  });
}
