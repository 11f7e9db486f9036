import type { FormEvent, ReactNode } from 'react';
import type { PublicUser, VerificationRequiredResponse } from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { OtpInput } from '../../../components/ui/otp-input';
import { ResendCodeButton } from '../../../components/ui/resend-code-button';
import { useCodeField } from '../../../hooks/use-code-field';
import { useEmailedCode } from '../../../hooks/use-emailed-code';
import { codeErrorMessage } from '../../../lib/error-messages';
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
  /** A new code went out: its times, e.g. to remember them across a reload. */
  onResent?: (sent: { expiresAt: string; resendAvailableAt: string }) => void;
  /** Shown above the field until a new code is sent, e.g. why the page is at this step. */
  note?: ReactNode;
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
  onResent,
  note,
  title = 'Check your email',
  intro,
}: EmailCodeStepProps) {
  const verify = useVerifyEmail();
  const field = useCodeField({
    length: CODE_LENGTH,
    onEdit: () => {
      if (verify.isError) verify.reset();
    },
  });
  const emailed = useEmailedCode(challenge, useResendEmailCode(), (sent) => {
    field.clear();
    verify.reset();
    onResent?.({ expiresAt: sent.expiresAt, resendAvailableAt: sent.resendAvailableAt });
  });

  function handleChange(next: string) {
    field.change(next);
    // Six digits is a whole code: sent at once, as in the sign-in dialog.
    if (next.length === CODE_LENGTH && next !== field.code) submit(next);
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = field.take();
    if (code === null) return;
    submit(code);
  }

  function submit(code: string) {
    if (verify.isPending) return;
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

  const codeError = field.incomplete
    ? `Enter the ${CODE_LENGTH}-digit code from the email.`
    : verify.error
      ? codeErrorMessage(verify.error)
      : undefined;

  return (
    <div className="stack">
      <header className="card__header">
        <h1 className="card__title">{title}</h1>
        <p className="card__description">
          {intro ?? 'We sent a 6-digit code to'} <strong className="break-all">{email}</strong>. It
          expires at {formatTime(emailed.expiresAt)}.
        </p>
      </header>

      {emailed.resent ? (
        <Alert tone="success">A new code is on its way. The previous one no longer works.</Alert>
      ) : (
        note
      )}

      <form className="stack" onSubmit={handleSubmit} noValidate>
        <OtpInput
          label="Verification code"
          name="code"
          value={field.code}
          onChange={handleChange}
          length={CODE_LENGTH}
          error={codeError}
          autoFocus
          required
        />
        <Button type="submit" block pending={verify.isPending}>
          {verify.isPending ? 'Verifying…' : 'Verify'}
        </Button>
      </form>

      <ErrorAlert error={emailed.error} />

      <div className="row row--between">
        <ResendCodeButton
          secondsLeft={emailed.secondsLeft}
          pending={emailed.pending}
          onResend={emailed.resend}
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
