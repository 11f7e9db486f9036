import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { ActivityList } from '../../../components/activity/activity-list';
import { useSecurityEvents } from '../api/get-security-events';

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
          <ActivityList events={list} label="Security activity" />
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
