import type { AdminUser } from '@twofold/mfa-core/contracts';
import { ActivityList } from '../../../components/activity/activity-list';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { useUserEvents } from '../api/get-user-events';

export interface UserEventsDialogProps {
  /** Whose timeline to show; null keeps the dialog closed. */
  user: AdminUser | null;
  onClose: () => void;
}

export function UserEventsDialog({ user, onClose }: UserEventsDialogProps) {
  return (
    <Dialog
      open={user !== null}
      title="Security events"
      onClose={onClose}
      description={user && <span className="break-all">{user.email}, newest first.</span>}
    >
      {user && <EventList userId={user.id} />}
    </Dialog>
  );
}

function EventList({ userId }: { userId: string }) {
  const events = useUserEvents(userId);

  if (events.isPending) {
    return (
      <p className="muted" role="status">
        Loading events…
      </p>
    );
  }
  if (events.error && !events.data) {
    return <ErrorAlert error={events.error} title="Could not load the events" />;
  }

  const items = events.data.pages.flatMap((page) => page.events);
  if (items.length === 0) return <p className="empty">No security events for this account yet.</p>;

  return (
    <div className="stack">
      {/* The words, grouping and browser names of the person's own activity list. */}
      <ActivityList events={items} label="Security events" scroll />
      <ErrorAlert error={events.isFetchNextPageError ? events.error : null} />
      {events.hasNextPage && (
        <Button
          variant="secondary"
          pending={events.isFetchingNextPage}
          onClick={() => void events.fetchNextPage()}
        >
          Load more events
        </Button>
      )}
    </div>
  );
}
