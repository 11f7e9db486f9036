import { queryOptions, useQuery } from '@tanstack/react-query';
import type { SessionResponse } from '@twofold/mfa-core/contracts';
import { api, isApiError } from '../../../lib/api-client';
import { authKeys } from './auth-keys';

/** The signed-in user and session, or null when signed out (the API answers 401). */
export async function getSession(signal?: AbortSignal): Promise<SessionResponse | null> {
  try {
    return await api.get<SessionResponse>('/api/auth/session', { signal });
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

export function sessionQueryOptions() {
  return queryOptions({
    queryKey: authKeys.session(),
    queryFn: ({ signal }) => getSession(signal),
  });
}

export function useSession() {
  return useQuery(sessionQueryOptions());
}
