import { queryOptions, useQuery } from '@tanstack/react-query';
import type { MfaPolicyResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { adminKeys } from './admin-keys';

export function getPolicy(signal?: AbortSignal): Promise<MfaPolicyResponse> {
  return api.get<MfaPolicyResponse>('/api/admin/policy', { signal });
}

export function policyQueryOptions() {
  return queryOptions({
    queryKey: adminKeys.policy(),
    queryFn: ({ signal }) => getPolicy(signal),
  });
}

export function usePolicy() {
  return useQuery(policyQueryOptions());
}
