import { useState, type FormEvent } from 'react';
import type { FactorConfirmResponse } from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { OtpInput } from '../../../components/ui/otp-input';
import { ResendCodeButton } from '../../../components/ui/resend-code-button';
import { useCodeField } from '../../../hooks/use-code-field';
import { useResendClock } from '../../../hooks/use-resend-clock';
import { codeErrorMessage } from '../../../lib/error-messages';
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
  const [expiresAt, setExpiresAt] = useState(sent.expiresAt);
  const [resent, setResent] = useState(false);
  const confirm = useConfirmEmailFactor();
  const resend = useStartEmailFactor();
  const field = useCodeField({
    length: CODE_LENGTH,
    onEdit: () => {
      if (confirm.isError) confirm.reset();
    },
  });
  const resendClock = useResendClock(sent.resendAvailableAt);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = field.take();
    if (code === null) return;
    confirm.mutate({ code }, { onSuccess: onConfirmed });
  }

  function handleResend() {
    setResent(false);
    resend.mutate(undefined, {
      onSuccess: (result) => {
        setExpiresAt(result.expiresAt);
        resendClock.restart(result.resendAvailableAt);
        field.clear();
        confirm.reset();
        setResent(true);
      },
      onError: resendClock.follow,
    });
  }

  const fieldError = field.incomplete
    ? `Enter the ${CODE_LENGTH}-digit code from the email.`
    : confirm.error
      ? codeErrorMessage(confirm.error)
      : undefined;
  // A refusal for timing is already shown by the countdown on the button.
  const resendError = resend.error?.code === 'RESEND_TOO_SOON' ? null : resend.error;

  return (
    <div className="stack">
      <p>
        We sent a 6-digit code to <strong className="break-all">{email}</strong>.
        {expiresAt && ` It expires at ${formatTime(expiresAt)}.`}
      </p>
      {resent && (
        <Alert tone="success">A new code is on its way. The previous one no longer works.</Alert>
      )}

      <form className="stack" onSubmit={handleSubmit} noValidate>
        <OtpInput
          label="Code from the email"
          name="code"
          value={field.code}
          onChange={field.change}
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
          secondsLeft={resendClock.secondsLeft}
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
