import { useState, type FormEvent } from 'react';
import type { FactorConfirmResponse } from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { OtpInput } from '../../../components/ui/otp-input';
import { ResendCodeButton } from '../../../components/ui/resend-code-button';
import { useSecondsUntil } from '../../../hooks/use-seconds-until';
import { attemptsLeftMessage, errorMessage } from '../../../lib/error-messages';
import { formatTime } from '../../../lib/format';
import { useConfirmEmailFactor } from '../api/confirm-email-factor';
import { useStartEmailFactor } from '../api/start-email-factor';

const CODE_LENGTH = 6;

/** What is known about the code in the inbox; `expiresAt` is unknown when the send was refused as too soon. */
export interface EmailCodeSent {
  expiresAt?: string;
  resendAvailableAt: string | number;
}

export interface EmailStepProps {
  email: string;
  sent: EmailCodeSent;
  onConfirmed: (result: FactorConfirmResponse) => void;
  onBack: () => void;
}

/** Step 2 for email codes: type the code just emailed, or ask for another after the countdown. */
export function EmailStep({ email, sent, onConfirmed, onBack }: EmailStepProps) {
  const [code, setCode] = useState('');
  const [missingCode, setMissingCode] = useState(false);
  const [current, setCurrent] = useState<EmailCodeSent>(sent);
  const [resent, setResent] = useState(false);
  const confirm = useConfirmEmailFactor();
  const resend = useStartEmailFactor();
  const secondsToResend = useSecondsUntil(current.resendAvailableAt);

  function handleCodeChange(next: string) {
    setCode(next);
    setMissingCode(false);
    if (confirm.isError) confirm.reset();
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (code.length !== CODE_LENGTH) {
      setMissingCode(true);
      return;
    }
    confirm.mutate({ code }, { onSuccess: onConfirmed });
  }

  function handleResend() {
    setResent(false);
    resend.mutate(undefined, {
      onSuccess: (result) => {
        setCurrent(result);
        setCode('');
        confirm.reset();
        setResent(true);
      },
      onError: (error) => {
        // The server knows when the next code may go out; follow its clock.
        if (error.retryAfter) {
          const retryAfter = error.retryAfter;
          setCurrent((previous) => ({
            ...previous,
            resendAvailableAt: Date.now() + retryAfter * 1000,
          }));
        }
      },
    });
  }

  const fieldError = missingCode
    ? `Enter the ${CODE_LENGTH}-digit code from the email.`
    : confirm.error
      ? [errorMessage(confirm.error), attemptsLeftMessage(confirm.error)].filter(Boolean).join(' ')
      : undefined;
  // A refusal for timing is already shown by the countdown on the button.
  const resendError = resend.error?.code === 'RESEND_TOO_SOON' ? null : resend.error;

  return (
    <div className="stack">
      <p>
        We sent a 6-digit code to <strong className="break-all">{email}</strong>.
        {current.expiresAt && ` It expires at ${formatTime(current.expiresAt)}.`}
      </p>
      {resent && (
        <Alert tone="success">A new code is on its way. The previous one no longer works.</Alert>
      )}

      <form className="stack" onSubmit={handleSubmit} noValidate>
        <OtpInput
          label="Code from the email"
          name="code"
          value={code}
          onChange={handleCodeChange}
          length={CODE_LENGTH}
          error={fieldError}
          required
        />
        <Button type="submit" pending={confirm.isPending}>
          {confirm.isPending ? 'Verifying…' : 'Verify and continue'}
        </Button>
      </form>

      <ErrorAlert error={resendError} />

      <div className="row row--between">
        <ResendCodeButton
          secondsLeft={secondsToResend}
          pending={resend.isPending}
          onResend={handleResend}
        />
        <Button variant="link" onClick={onBack}>
          Choose another method
        </Button>
      </div>
    </div>
  );
}
