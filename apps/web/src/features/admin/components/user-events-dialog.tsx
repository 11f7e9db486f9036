import type { AdminUser, SecurityEvent } from '@twofold/mfa-core/contracts';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { formatDateTime } from '../../../lib/format';
import { useUserEvents } from '../api/get-user-events';
import { eventLabel } from '../labels';

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
      <ol className="event-list" aria-label="Security events">
        {items.map((event) => (
          <EventItem key={event.id} event={event} />
        ))}
      </ol>
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

function EventItem({ event }: { event: SecurityEvent }) {
  const where = [event.ip, event.userAgent].filter(Boolean).join(' · ');
  return (
    <li className="event-list__item">
      <span className="event-list__type">{eventLabel(event.type)}</span>
      <time className="event-list__time muted" dateTime={event.createdAt}>
        {formatDateTime(event.createdAt)}
      </time>
      {where && <span className="event-list__where muted">{where}</span>}
    </li>
  );
}
