import type { FormEvent } from 'react';
import type { FactorConfirmResponse } from '@twofold/mfa-core/contracts';
import { isStepUpCancelled } from '../../../components/step-up/use-step-up';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { OtpInput } from '../../../components/ui/otp-input';
import { ResendCodeButton } from '../../../components/ui/resend-code-button';
import { useCodeField } from '../../../hooks/use-code-field';
import { useEmailedCode, type EmailCodeSent } from '../../../hooks/use-emailed-code';
import { codeErrorMessage } from '../../../lib/error-messages';
import { formatTime } from '../../../lib/format';
import { useConfirmEmailFactor } from '../api/confirm-email-factor';
import { useStartEmailFactor } from '../api/start-email-factor';

const CODE_LENGTH = 6;

export interface EmailStepProps {
  email: string;
  sent: EmailCodeSent;
  onConfirmed: (result: FactorConfirmResponse) => void;
  onBack: () => void;
}

/** Step 2 for email codes: type the code just emailed, or ask for another after the countdown. */
export function EmailStep({ email, sent, onConfirmed, onBack }: EmailStepProps) {
  const confirm = useConfirmEmailFactor();
  const field = useCodeField({
    length: CODE_LENGTH,
    onEdit: () => {
      if (confirm.isError) confirm.reset();
    },
  });
  const emailed = useEmailedCode(sent, useStartEmailFactor(), () => {
    field.clear();
    confirm.reset();
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = field.take();
    if (code !== null) send(code);
  }

  function send(code: string) {
    if (!confirm.isPending) confirm.mutate({ code }, { onSuccess: onConfirmed });
  }

  // A cancelled "Confirm it's you" refused nothing: there is nothing to say about the code.
  const confirmError = isStepUpCancelled(confirm.error) ? null : confirm.error;
  const fieldError = field.incomplete
    ? `Enter the ${CODE_LENGTH}-digit code from the email.`
    : confirmError
      ? codeErrorMessage(confirmError)
      : undefined;

  return (
    <div className="stack">
      <p>
        We sent a 6-digit code to <strong className="break-all">{email}</strong>.
        {emailed.expiresAt && ` It expires at ${formatTime(emailed.expiresAt)}.`}
      </p>
      {emailed.resent && (
        <Alert tone="success">A new code is on its way. The previous one no longer works.</Alert>
      )}

      <form className="stack" onSubmit={handleSubmit} noValidate>
        <OtpInput
          label="Code from the email"
          name="code"
          value={field.code}
          onChange={field.change}
          onComplete={send}
          length={CODE_LENGTH}
          error={fieldError}
          required
        />
        <Button type="submit" pending={confirm.isPending}>
          {confirm.isPending ? 'Verifying…' : 'Verify and continue'}
        </Button>
      </form>

      <ErrorAlert error={isStepUpCancelled(emailed.error) ? null : emailed.error} />

      <div className="row row--between">
        <ResendCodeButton
          secondsLeft={emailed.secondsLeft}
          pending={emailed.pending}
          onResend={emailed.resend}
        />
        <Button variant="link" onClick={onBack}>
          Choose another method
        </Button>
      </div>
    </div>
  );
}
