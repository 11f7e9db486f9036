import { queryOptions, useQuery } from '@tanstack/react-query';
import type { SessionListResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { securitySettingsKeys } from './security-settings-keys';

/** The user's signed-in sessions, most recently used first. */
export function getSessions(signal?: AbortSignal): Promise<SessionListResponse> {
  return api.get<SessionListResponse>('/api/sessions', { signal });
}

export function sessionsQueryOptions() {
  return queryOptions({
    queryKey: securitySettingsKeys.sessions(),
    queryFn: ({ signal }) => getSessions(signal),
  });
}

export function useSessions() {
  return useQuery(sessionsQueryOptions());
}
