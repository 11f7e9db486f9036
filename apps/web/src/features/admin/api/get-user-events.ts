import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { AdminUserEventsResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { adminKeys } from './admin-keys';

export function getUserEvents(
  userId: string,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<AdminUserEventsResponse> {
  const params = new URLSearchParams({ limit: '20' });
  if (cursor) params.set('cursor', cursor);
  return api.get<AdminUserEventsResponse>(
    `/api/admin/users/${encodeURIComponent(userId)}/events?${params.toString()}`,
    { signal },
  );
}

/** A user's security timeline, newest first. */
export function userEventsQueryOptions(userId: string) {
  return infiniteQueryOptions({
    queryKey: adminKeys.userEvents(userId),
    queryFn: ({ pageParam, signal }) => getUserEvents(userId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    staleTime: 0,
  });
}

export function useUserEvents(userId: string, enabled = true) {
  return useInfiniteQuery({ ...userEventsQueryOptions(userId), enabled });
}
