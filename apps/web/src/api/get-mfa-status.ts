import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import type { MfaStatusResponse } from '@twofold/mfa-core/contracts';
import { api } from '../lib/api-client';
import { sharedKeys } from './shared-keys';

/** Factors, backup codes left, trusted browsers and what the organisation's policy asks for. */
export function getMfaStatus(signal?: AbortSignal): Promise<MfaStatusResponse> {
  return api.get<MfaStatusResponse>('/api/mfa', { signal });
}

export function mfaStatusQueryOptions() {
  return queryOptions({
    queryKey: sharedKeys.mfaStatus(),
    queryFn: ({ signal }) => getMfaStatus(signal),
  });
}

export function useMfaStatus() {
  return useQuery(mfaStatusQueryOptions());
}

/**
 * A factor was added or removed, or MFA turned off: the status changed, and so did the session
 * (its user says whether MFA is on; a first factor raises it to aal 2).
 */
export async function invalidateMfaState(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: sharedKeys.mfaStatus() }),
    queryClient.invalidateQueries({ queryKey: sharedKeys.session() }),
  ]);
}
