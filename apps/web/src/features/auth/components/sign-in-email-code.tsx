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
  /** A resend replaced an earlier code. */
  replaced: boolean;
}

export interface SignInEmailCodeProps {
  sent: SentEmailCode | null;
  sending: boolean;
  error: ApiError | null;
  onSend: () => void;
}

/** Status of the emailed code: sent, when it expires, and a "Resend code" that waits its turn. */
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

  return (
    <div className="stack">
      {/* Kept apart from the live region: a ticking clock must not be read out every second. */}
      <Alert tone={sent.expiresAt ? 'success' : 'info'}>
        {sent.expiresAt
          ? sent.replaced
            ? 'We sent a new code to your email. The previous one no longer works.'
            : 'We sent a code to your email.'
          : 'A code was sent to your email a moment ago. Use it, or wait to request a new one.'}
      </Alert>
      <ErrorAlert error={shownError} />
      <div className="row row--between mfa-email__row">
        {sent.expiresAt && (
          <p className="muted">
            {codeSeconds > 0
              ? `The code expires in ${formatCountdown(codeSeconds)}.`
              : 'The code has expired. Send a new one.'}
          </p>
        )}
        <Button variant="link" onClick={onSend} disabled={resendSeconds > 0} pending={sending}>
          {resendSeconds > 0 ? `Resend code in ${formatCountdown(resendSeconds)}` : 'Resend code'}
        </Button>
      </div>
    </div>
  );
}
