import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { SecurityEventsResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { securitySettingsKeys } from './security-settings-keys';

export const EVENTS_PAGE_SIZE = 20;

/** One page of the security timeline, newest first; `cursor` is a previous page's nextCursor. */
export function getSecurityEvents(
  cursor: string | null,
  signal?: AbortSignal,
): Promise<SecurityEventsResponse> {
  const query = new URLSearchParams({ limit: String(EVENTS_PAGE_SIZE) });
  if (cursor) query.set('cursor', cursor);
  return api.get<SecurityEventsResponse>(`/api/security/events?${query.toString()}`, { signal });
}

export function securityEventsQueryOptions() {
  return infiniteQueryOptions({
    queryKey: securitySettingsKeys.events(),
    queryFn: ({ pageParam, signal }) => getSecurityEvents(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
  });
}

export function useSecurityEvents() {
  return useInfiniteQuery(securityEventsQueryOptions());
}
