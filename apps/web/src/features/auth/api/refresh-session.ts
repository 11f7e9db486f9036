import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { authKeys } from './auth-keys';

/**
 * After a sign-in the cached "signed out" answer is wrong. Waiting for the fresh one before the
 * mutation settles means the page the user lands on already sees them signed in.
 */
export async function refreshSession(queryClient: QueryClient): Promise<void> {
  // Another user's cached data must not survive into this session.
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== authKeys.all[0] });
  await queryClient.invalidateQueries({ queryKey: authKeys.session(), refetchType: 'all' });
}

export function useRefreshSession(): () => Promise<void> {
  const queryClient = useQueryClient();
  return () => refreshSession(queryClient);
}
