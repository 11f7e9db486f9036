import { useState, type FormEvent, type ReactNode } from 'react';
import type { PublicUser, VerificationRequiredResponse } from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { OtpInput } from '../../../components/ui/otp-input';
import { ResendCodeButton } from '../../../components/ui/resend-code-button';
import { useSecondsUntil } from '../../../hooks/use-seconds-until';
import { attemptsLeftMessage, errorMessage } from '../../../lib/error-messages';
import { formatTime } from '../../../lib/format';
import { useResendEmailCode } from '../api/resend-email-code';
import { useVerifyEmail } from '../api/verify-email';

const CODE_LENGTH = 6;

export interface EmailCodeStepProps {
  email: string;
  /** The answer that started this step; its times drive the expiry note and the resend timer. */
  challenge: VerificationRequiredResponse;
  onAuthenticated: (user: PublicUser) => void;
  /** Signed in, but policy requires MFA: the session may only enroll a factor. */
  onSetupRequired: () => void;
  /** Leaves this step, e.g. to correct the address. */
  onBack?: () => void;
  title?: ReactNode;
  intro?: ReactNode;
}

/** Asks for the 6-digit code emailed to verify an address, with a timed "Resend code". */
export function EmailCodeStep({
  email,
  challenge,
  onAuthenticated,
  onSetupRequired,
  onBack,
  title = 'Check your email',
  intro,
}: EmailCodeStepProps) {
  const [code, setCode] = useState('');
  const [missingCode, setMissingCode] = useState(false);
  const [expiresAt, setExpiresAt] = useState(challenge.expiresAt);
  const [resendAvailableAt, setResendAvailableAt] = useState<string | number>(
    challenge.resendAvailableAt,
  );
  const [resent, setResent] = useState(false);
  const verify = useVerifyEmail();
  const resend = useResendEmailCode();
  const secondsToResend = useSecondsUntil(resendAvailableAt);

  function handleCodeChange(next: string) {
    setCode(next);
    setMissingCode(false);
    if (verify.isError) verify.reset();
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (code.length !== CODE_LENGTH) {
      setMissingCode(true);
      return;
    }
    verify.mutate(
      { code },
      {
        onSuccess: (result) => {
          if (result.status === 'authenticated') onAuthenticated(result.user);
          else onSetupRequired();
        },
      },
    );
  }

  function handleResend() {
    setResent(false);
    resend.mutate(undefined, {
      onSuccess: (result) => {
        setExpiresAt(result.expiresAt);
        setResendAvailableAt(result.resendAvailableAt);
        setCode('');
        verify.reset();
        setResent(true);
      },
      onError: (error) => {
        // The server knows best when the next code may go out; follow its clock.
        if (error.retryAfter) setResendAvailableAt(Date.now() + error.retryAfter * 1000);
      },
    });
  }

  const codeError = missingCode
    ? `Enter the ${CODE_LENGTH}-digit code from the email.`
    : verify.error
      ? [errorMessage(verify.error), attemptsLeftMessage(verify.error)].filter(Boolean).join(' ')
      : undefined;
  // A resend refused for timing is already explained by the countdown on the button.
  const resendError = resend.error?.code === 'RESEND_TOO_SOON' ? null : resend.error;

  return (
    <div className="stack">
      <header className="card__header">
        <h1 className="card__title">{title}</h1>
        <p className="card__description">
          {intro ?? 'We sent a 6-digit code to'} <strong className="break-all">{email}</strong>. It
          expires at {formatTime(expiresAt)}.
        </p>
      </header>

      {resent && (
        <Alert tone="success">A new code is on its way. The previous one no longer works.</Alert>
      )}

      <form className="stack" onSubmit={handleSubmit} noValidate>
        <OtpInput
          label="Verification code"
          name="code"
          value={code}
          onChange={handleCodeChange}
          length={CODE_LENGTH}
          error={codeError}
          autoFocus
          required
        />
        <Button type="submit" block pending={verify.isPending}>
          {verify.isPending ? 'Verifying…' : 'Verify'}
        </Button>
      </form>

      <ErrorAlert error={resendError} />

      <div className="row row--between">
        <ResendCodeButton
          secondsLeft={secondsToResend}
          pending={resend.isPending}
          onResend={handleResend}
        />
        {onBack && (
          <Button variant="link" onClick={onBack}>
            Use a different email
          </Button>
        )}
      </div>
    </div>
  );
}
