import { useMutation } from '@tanstack/react-query';
import type { ReauthenticateBody, ReauthenticateResponse } from '@twofold/mfa-core/contracts';
import { api } from '../lib/api-client';

/** Password plus a current second factor opens a 15-minute window for sensitive changes. */
export function reauthenticate(body: ReauthenticateBody): Promise<ReauthenticateResponse> {
  return api.post<ReauthenticateResponse>('/api/auth/reauthenticate', body);
}

export function useReauthenticate() {
  return useMutation({ mutationFn: reauthenticate });
}
