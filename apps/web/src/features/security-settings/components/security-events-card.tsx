import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { formatDateTime } from '../../../lib/format';
import { useSecurityEvents } from '../api/get-security-events';
import { eventLabel } from '../event-labels';
import { describeUserAgent } from '../user-agent';

export function SecurityEventsCard() {
  const events = useSecurityEvents();
  const list = events.data?.pages.flatMap((page) => page.events) ?? [];

  return (
    <Card
      level={2}
      title="Security activity"
      description="Sign-ins and changes to your account, newest first."
    >
      {events.isPending ? (
        <p className="page-status" role="status">
          Loading activity…
        </p>
      ) : events.error && list.length === 0 ? (
        <>
          <ErrorAlert error={events.error} title="Could not load your activity" />
          <div>
            <Button variant="secondary" onClick={() => void events.refetch()}>
              Try again
            </Button>
          </div>
        </>
      ) : list.length === 0 ? (
        <p className="muted">No activity yet.</p>
      ) : (
        <>
          <ol className="security-timeline" aria-label="Security activity">
            {list.map((event) => (
              <li key={event.id} className="security-event">
                <span className="security-event__label">{eventLabel(event)}</span>
                <span className="security-event__meta">
                  <time dateTime={event.createdAt}>{formatDateTime(event.createdAt)}</time>
                  {event.ip && ` · ${event.ip}`}
                  {event.userAgent && ` · ${describeUserAgent(event.userAgent)}`}
                </span>
              </li>
            ))}
          </ol>
          {events.isFetchNextPageError && (
            <ErrorAlert error={events.error} title="Could not load more activity" />
          )}
          {events.hasNextPage && (
            <div>
              <Button
                variant="secondary"
                onClick={() => void events.fetchNextPage()}
                pending={events.isFetchingNextPage}
              >
                {events.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
