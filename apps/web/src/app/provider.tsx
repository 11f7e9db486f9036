import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ToastProvider } from '../components/ui/toast';
import { authKeys } from '../features/auth/api/auth-keys';
import { createQueryClient } from '../lib/query-client';

function makeClient(): QueryClient {
  return createQueryClient({
    // Any query answering 401 means the session is gone: re-ask so the UI shows "signed out".
    onUnauthorized: (client) => void client.invalidateQueries({ queryKey: authKeys.session() }),
  });
}

export function AppProvider({
  children,
  queryClient,
}: {
  children: ReactNode;
  queryClient?: QueryClient;
}) {
  const [client] = useState(() => queryClient ?? makeClient());
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>{children}</ToastProvider>
    </QueryClientProvider>
  );
}
