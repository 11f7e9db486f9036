import { useState, type FormEvent } from 'react';
import type { EmailChangePendingResponse } from '@twofold/mfa-core/contracts';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { OtpInput } from '../../../components/ui/otp-input';
import { ResendCodeButton } from '../../../components/ui/resend-code-button';
import { TextField } from '../../../components/ui/text-field';
import { useToast } from '../../../components/ui/toast';
import { useCodeField } from '../../../hooks/use-code-field';
import { useResendClock } from '../../../hooks/use-resend-clock';
import { codeErrorMessage, fieldErrors } from '../../../lib/error-messages';
import { formatTime } from '../../../lib/format';
import { useConfirmEmailChange, useRequestEmailChange } from '../api/change-email';
import { CODE_ERRORS } from '../../../components/step-up/factor-wording';
import { isStepUpCancelled } from '../../../components/step-up/use-step-up';

const CODE_LENGTH = 6;

/**
 * Changing the account's email: the new address gets a code (after step-up), and the change is
 * made when that code comes back, so nobody can move an account to an address they cannot read.
 */
export function ChangeEmailCard({ currentEmail }: { currentEmail: string }) {
  const [newEmail, setNewEmail] = useState('');
  const [problem, setProblem] = useState<string>();
  const [pending, setPending] = useState<EmailChangePendingResponse | null>(null);
  const request = useRequestEmailChange();
  const confirm = useConfirmEmailChange();
  const toast = useToast();
  const field = useCodeField({
    length: CODE_LENGTH,
    onEdit: () => {
      if (confirm.isError) confirm.reset();
    },
  });
  const resendClock = useResendClock();

  function send(email: string) {
    request.mutate(
      { email },
      {
        onSuccess: (answer) => {
          setPending(answer);
          resendClock.restart(answer.resendAvailableAt);
          field.clear();
          confirm.reset();
        },
        onError: resendClock.follow,
      },
    );
  }

  function handleRequest(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = newEmail.trim();
    const found = !email.includes('@')
      ? 'Enter an email address, like name@example.com.'
      : email.toLowerCase() === currentEmail.toLowerCase()
        ? 'That is already the email address of your account.'
        : undefined;
    setProblem(found);
    if (!found) send(email);
  }

  function handleConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = field.take();
    if (code !== null) confirmCode(code);
  }

  function confirmCode(code: string) {
    if (confirm.isPending) return;
    confirm.mutate(
      { code },
      {
        onSuccess: (answer) => {
          toast.show(`Email address changed to ${answer.user.email}.`, 'success');
          setPending(null);
          setNewEmail('');
          field.clear();
          request.reset();
        },
      },
    );
  }

  function handleCancel() {
    setPending(null);
    field.clear();
    request.reset();
    confirm.reset();
  }

  const requestError = isStepUpCancelled(request.error) ? null : request.error;
  const emailError =
    problem ??
    (requestError?.code === 'EMAIL_UNCHANGED' ? requestError.message : undefined) ??
    fieldErrors(requestError).email;
  const otherRequestError =
    requestError && !['EMAIL_UNCHANGED', 'VALIDATION_ERROR'].includes(requestError.code)
      ? requestError
      : null;

  if (!pending) {
    return (
      <Card
        level={2}
        title="Email address"
        description={
          <>
            Sign-in, codes and security notices go to{' '}
            <strong className="break-all">{currentEmail}</strong>.
          </>
        }
      >
        <form className="stack" onSubmit={handleRequest} noValidate>
          <ErrorAlert error={otherRequestError} />
          <TextField
            label="New email address"
            name="new-email"
            type="email"
            autoComplete="email"
            value={newEmail}
            onChange={(event) => {
              setNewEmail(event.target.value);
              setProblem(undefined);
            }}
            hint="We will send a code to the new address; the change is made once you enter it."
            error={emailError}
          />
          <div>
            <Button type="submit" pending={request.isPending}>
              {request.isPending ? 'Sending…' : 'Send a code'}
            </Button>
          </div>
        </form>
      </Card>
    );
  }

  const codeError = field.incomplete
    ? `Enter the ${CODE_LENGTH}-digit code from the email.`
    : confirm.error && CODE_ERRORS.has(confirm.error.code)
      ? codeErrorMessage(confirm.error)
      : undefined;
  const otherConfirmError =
    confirm.error && !CODE_ERRORS.has(confirm.error.code) ? confirm.error : null;
  // A resend refused for timing is already explained by the countdown on the button.
  const resendError = otherRequestError?.code === 'RESEND_TOO_SOON' ? null : otherRequestError;

  return (
    <Card level={2} title="Email address">
      <p>
        We sent a 6-digit code to <strong className="break-all">{pending.email}</strong>. It expires
        at {formatTime(pending.expiresAt)}. Your address stays{' '}
        <strong className="break-all">{currentEmail}</strong> until you enter it.
      </p>
      <form className="stack" onSubmit={handleConfirm} noValidate>
        <ErrorAlert error={otherConfirmError} />
        <OtpInput
          label="Code from the email"
          name="email-change-code"
          value={field.code}
          onChange={field.change}
          onComplete={confirmCode}
          length={CODE_LENGTH}
          error={codeError}
          autoFocus
          required
        />
        <div className="row">
          <Button type="submit" pending={confirm.isPending}>
            {confirm.isPending ? 'Confirming…' : 'Confirm new address'}
          </Button>
          <Button variant="secondary" onClick={handleCancel}>
            Cancel
          </Button>
        </div>
      </form>
      <ErrorAlert error={resendError} />
      <ResendCodeButton
        secondsLeft={resendClock.secondsLeft}
        pending={request.isPending}
        onResend={() => send(pending.email)}
      />
    </Card>
  );
}
