import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { useMailbox } from '../api/get-mailbox';
import { MailboxMessageItem } from './mailbox-message';

/** The development outbox: every email the API would have sent, newest first. */
export function MailboxView() {
  const mailbox = useMailbox();

  if (mailbox.error?.status === 404) {
    return (
      <Alert tone="info" title="Dev mailbox unavailable">
        The dev mailbox is only available when the API uses its development outbox. This API sends
        real email (SMTP_URL is set), so look in that inbox instead.
      </Alert>
    );
  }

  return (
    <div className="stack">
      <div className="row row--between">
        <p className="muted" aria-live="polite">
          {mailbox.isPending
            ? 'Loading messages…'
            : mailbox.data
              ? `${mailbox.data.length} ${mailbox.data.length === 1 ? 'message' : 'messages'}, newest first. Checks for new mail every few seconds.`
              : null}
        </p>
        <Button
          variant="secondary"
          onClick={() => void mailbox.refetch()}
          pending={mailbox.isFetching && !mailbox.isPending}
        >
          Refresh
        </Button>
      </div>

      <ErrorAlert error={mailbox.error} title="Could not load the mailbox" />

      {mailbox.data?.length === 0 && (
        <p className="empty">
          No messages yet. Emails the API sends (sign-up codes, password resets) appear here.
        </p>
      )}

      {mailbox.data && mailbox.data.length > 0 && (
        <ol className="mail-list" aria-label="Messages">
          {mailbox.data.map((message, index) => (
            <MailboxMessageItem key={message.id} message={message} defaultOpen={index === 0} />
          ))}
        </ol>
      )}
    </div>
  );
}
