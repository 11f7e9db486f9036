import { queryOptions, useQuery } from '@tanstack/react-query';
import type { MailboxMessage, MailboxResponse } from '@twofold/mfa-core/contracts';
import { api } from '../../../lib/api-client';
import { mailboxKeys } from './mailbox-keys';

const POLL_MS = 3_000;

export function getMailbox(signal?: AbortSignal): Promise<MailboxResponse> {
  return api.get<MailboxResponse>('/api/dev/mailbox', { signal });
}

/** Newest first, whatever order the outbox kept them in. */
export function sortNewestFirst(messages: readonly MailboxMessage[]): MailboxMessage[] {
  return [...messages].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

export function mailboxQueryOptions() {
  return queryOptions({
    queryKey: mailboxKeys.messages(),
    queryFn: ({ signal }) => getMailbox(signal),
    select: (data) => sortNewestFirst(data.messages),
    staleTime: 0,
    // New codes should appear while the page is open; stop asking once the outbox is known to be off.
    refetchInterval: (query) => (query.state.error?.status === 404 ? false : POLL_MS),
  });
}

export function useMailbox() {
  return useQuery(mailboxQueryOptions());
}
