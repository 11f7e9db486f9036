import { queryOptions, useQuery } from '@tanstack/react-query';
import type { MfaStatusResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { mfaSetupKeys } from './mfa-setup-keys';

/** Factors, backup codes left, trusted browsers and what the organisation's policy asks. */
export function getMfaStatus(signal?: AbortSignal): Promise<MfaStatusResponse> {
  return api.get<MfaStatusResponse>('/api/mfa', { signal });
}

export function mfaStatusQueryOptions() {
  return queryOptions({
    queryKey: mfaSetupKeys.status(),
    queryFn: ({ signal }) => getMfaStatus(signal),
  });
}

export function useMfaStatus() {
  return useQuery(mfaStatusQueryOptions());
}
