import { QueryCache, QueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiError } from './api-error';

declare module '@tanstack/react-query' {
  interface Register {
    // The api client rejects with nothing but ApiError, so components can switch on `code`.
    defaultError: ApiError;
  }
}

const MAX_RETRIES = 2;

/** Only failures that another try might fix are retried: no answer, or a 5xx. */
export function shouldRetry(failureCount: number, error: ApiError): boolean {
  if (failureCount >= MAX_RETRIES) return false;
  return error.code === 'NETWORK_ERROR' || error.status >= 500;
}

export interface QueryClientHooks {
  /** A query answered 401: the session ended (expired, revoked, signed out in another tab). */
  onUnauthorized?: (client: QueryClient, queryKey: QueryKey) => void;
}

export function createQueryClient(hooks: QueryClientHooks = {}): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (error instanceof ApiError && error.status === 401)
          hooks.onUnauthorized?.(client, query.queryKey);
      },
    }),
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        staleTime: 30_000,
      },
      mutations: {
        // Auth mutations consume codes and count attempts: never repeat them behind the user's back.
        retry: false,
      },
    },
  });
  return client;
}
