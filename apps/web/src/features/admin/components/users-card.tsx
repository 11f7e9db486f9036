import { useState } from 'react';
import type { AdminUser } from '@twofold/mfa-core/contracts';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { TextField } from '../../../components/ui/text-field';
import { useUsers } from '../api/get-users';
import { useDebouncedValue } from '../use-debounced-value';
import { ResetMfaDialog } from './reset-mfa-dialog';
import { UserEventsDialog } from './user-events-dialog';
import { UsersTable } from './users-table';

const SEARCH_DELAY_MS = 300;

/** Everyone's MFA state, searchable by email, with the admin's per-user actions. */
export function UsersCard({ currentUserId }: { currentUserId?: string }) {
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim(), SEARCH_DELAY_MS);
  const users = useUsers(q);
  const [resetTarget, setResetTarget] = useState<AdminUser | null>(null);
  const [eventsTarget, setEventsTarget] = useState<AdminUser | null>(null);

  const list = users.data?.pages.flatMap((page) => page.users) ?? [];
  const searching = users.isPlaceholderData || search.trim() !== q;

  return (
    <Card level={2} title="Users" description="Oldest accounts first.">
      <div role="search" className="users-search">
        <TextField
          label="Search by email"
          type="search"
          name="q"
          autoComplete="off"
          spellCheck={false}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>

      <p className="muted" role="status">
        {users.isPending
          ? 'Loading users…'
          : searching
            ? 'Searching…'
            : users.data
              ? summary(list.length, q, users.hasNextPage)
              : ''}
      </p>

      <ErrorAlert
        error={users.error && !users.isFetchNextPageError ? users.error : null}
        title="Could not load users"
      />

      {users.data && list.length === 0 && !searching && (
        <p className="empty">{q ? `No users match “${q}”.` : 'No users yet.'}</p>
      )}

      {list.length > 0 && (
        <UsersTable
          users={list}
          currentUserId={currentUserId}
          onViewEvents={setEventsTarget}
          onResetMfa={setResetTarget}
        />
      )}

      <ErrorAlert error={users.isFetchNextPageError ? users.error : null} />
      {users.hasNextPage && !searching && (
        <div>
          <Button
            variant="secondary"
            pending={users.isFetchingNextPage}
            onClick={() => void users.fetchNextPage()}
          >
            Load more
          </Button>
        </div>
      )}

      <ResetMfaDialog user={resetTarget} onClose={() => setResetTarget(null)} />
      <UserEventsDialog user={eventsTarget} onClose={() => setEventsTarget(null)} />
    </Card>
  );
}

function summary(count: number, q: string, more: boolean): string {
  const noun = count === 1 ? 'user' : 'users';
  const shown = more ? `Showing the first ${count} ${noun}` : `${count} ${noun}`;
  return q ? `${shown} matching “${q}”.` : `${shown}.`;
}
