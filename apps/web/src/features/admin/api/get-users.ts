import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { AdminUsersResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { adminKeys } from './admin-keys';

export const USERS_PAGE_SIZE = 20;

export interface GetUsersParams {
  q?: string;
  cursor?: string | null;
  limit?: number;
}

export function getUsers(
  { q, cursor, limit = USERS_PAGE_SIZE }: GetUsersParams = {},
  signal?: AbortSignal,
): Promise<AdminUsersResponse> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor) params.set('cursor', cursor);
  if (q) params.set('q', q);
  return api.get<AdminUsersResponse>(`/api/admin/users?${params.toString()}`, { signal });
}

/** Oldest first, a page at a time; `q` filters by part of the email. */
export function usersQueryOptions(q: string) {
  return infiniteQueryOptions({
    queryKey: adminKeys.userList(q),
    queryFn: ({ pageParam, signal }) => getUsers({ q, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useUsers(q: string) {
  // The previous results stay on screen while a new search loads.
  return useInfiniteQuery({ ...usersQueryOptions(q), placeholderData: keepPreviousData });
}
