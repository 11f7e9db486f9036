import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { useSecondsUntil } from '../../../hooks/use-seconds-until';
import type { ApiError } from '../../../lib/api-error';
import { formatCountdown } from '../../../lib/format';

/** The emailed sign-in code as far as the dialog knows it. */
export interface SentEmailCode {
  /** Unknown when the server refused to send (a code went out moments ago). */
  expiresAt: string | undefined;
  resendAvailableAt: string | number;
  /** The address it went to, masked by the server (a•••@example.com). */
  sentTo: string | undefined;
  /** A resend replaced an earlier code. */
  replaced: boolean;
}

export interface SignInEmailCodeProps {
  sent: SentEmailCode | null;
  sending: boolean;
  error: ApiError | null;
  onSend: () => void;
}

/**
 * Status of the emailed code: where it went and a "Resend code" that waits its turn. The
 * deadline is the dialog's one countdown, not repeated here.
 */
export function SignInEmailCode({ sent, sending, error, onSend }: SignInEmailCodeProps) {
  const codeSeconds = useSecondsUntil(sent?.expiresAt);
  const resendSeconds = useSecondsUntil(sent?.resendAvailableAt);
  // A refusal for timing is already explained by the countdown on the button.
  const shownError = error?.code === 'RESEND_TOO_SOON' ? null : error;

  if (!sent) {
    return (
      <div className="stack">
        <ErrorAlert error={shownError} />
        <Button variant="secondary" block onClick={onSend} pending={sending}>
          {sending ? 'Sending…' : 'Email me a code'}
        </Button>
      </div>
    );
  }

  const to = sent.sentTo ? (
    <strong className="break-all">{sent.sentTo}</strong>
  ) : (
    'your email address'
  );
  const codeExpired = sent.expiresAt !== undefined && codeSeconds === 0;

  return (
    <div className="stack">
      <Alert tone={sent.expiresAt ? 'success' : 'info'}>
        {sent.expiresAt ? (
          sent.replaced ? (
            <>We sent a new code to {to}. The previous one no longer works.</>
          ) : (
            <>We sent a code to {to}.</>
          )
        ) : (
          <>A code was sent to {to} a moment ago. Use it, or wait to request a new one.</>
        )}
      </Alert>
      <ErrorAlert error={shownError} />
      <div className="row row--between mfa-email__row">
        {codeExpired && <p className="muted">The code has expired. Send a new one.</p>}
        <Button variant="link" onClick={onSend} disabled={resendSeconds > 0} pending={sending}>
          {resendSeconds > 0 ? `Resend code in ${formatCountdown(resendSeconds)}` : 'Resend code'}
        </Button>
      </div>
    </div>
  );
}
