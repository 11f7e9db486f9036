import { MailboxView } from '../../features/dev-mailbox/components/mailbox-view';

export function DevMailboxPage() {
  return (
    <div className="page page--wide stack">
      <title>Dev mailbox · Twofold</title>
      <header>
        <h1 className="page__title">Dev mailbox</h1>
        <p className="muted">
          Emails captured by the API&apos;s development outbox instead of being sent.
        </p>
      </header>
      <MailboxView />
    </div>
  );
}
