import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type { ErrorCode } from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { OtpInput } from '../../../components/ui/otp-input';
import { TextField } from '../../../components/ui/text-field';
import { useCodeField } from '../../../hooks/use-code-field';
import { codeErrorMessage, errorMessage, fieldErrors } from '../../../lib/error-messages';
import { useResetPassword } from '../api/reset-password';
import { signInWithEmail } from '../history-state';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-policy';

const CODE_LENGTH = 6;
const CODE_ERRORS: ReadonlySet<string> = new Set<ErrorCode>([
  'INVALID_CODE',
  'CODE_EXPIRED',
  'TOO_MANY_ATTEMPTS',
  'CODE_ALREADY_USED',
]);

export interface ResetPasswordFormProps {
  /** Prefilled from the link in the reset email. */
  defaultEmail?: string;
  defaultCode?: string;
}

export function ResetPasswordForm({ defaultEmail = '', defaultCode = '' }: ResetPasswordFormProps) {
  const [email, setEmail] = useState(defaultEmail);
  const [password, setPassword] = useState('');
  const field = useCodeField({
    length: CODE_LENGTH,
    initial: defaultCode.replace(/\D/g, '').slice(0, CODE_LENGTH),
  });
  const reset = useResetPassword();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = field.take();
    if (code === null) return;
    reset.mutate({ email: email.trim(), code, password }, { onSuccess: () => setPassword('') });
  }

  if (reset.isSuccess) {
    return (
      <div className="stack">
        <header className="card__header">
          <h1 className="card__title">Password changed</h1>
        </header>
        <Alert tone="success">
          Your password has been reset. Sign in with the new one; if two-factor authentication is
          on, you will still be asked for your second factor.
        </Alert>
        {/* The address rides in the history entry, not in the URL. */}
        <Link
          href="/sign-in"
          state={signInWithEmail(email.trim())}
          className="btn btn--primary btn--block"
        >
          Sign in
        </Link>
      </div>
    );
  }

  const error = reset.error;
  const fields = fieldErrors(error);
  const codeError = field.incomplete
    ? `Enter the ${CODE_LENGTH}-digit code from the email.`
    : error && CODE_ERRORS.has(error.code)
      ? codeErrorMessage(error)
      : fields.code;
  const passwordError = error?.code === 'WEAK_PASSWORD' ? errorMessage(error) : fields.password;
  const formError = error && !codeError && !passwordError && !fields.email ? error : null;

  return (
    <form className="stack" onSubmit={handleSubmit}>
      <header className="card__header">
        <h1 className="card__title">Choose a new password</h1>
        <p className="card__description">
          Enter the code from the reset email and your new password.
        </p>
      </header>
      <ErrorAlert error={formError} />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={fields.email}
      />
      <OtpInput
        label="Reset code"
        name="code"
        value={field.code}
        onChange={field.change}
        length={CODE_LENGTH}
        error={codeError}
        required
      />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN_LENGTH}
        maxLength={PASSWORD_MAX_LENGTH}
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={passwordError}
      />
      <Button type="submit" block pending={reset.isPending}>
        {reset.isPending ? 'Saving…' : 'Set new password'}
      </Button>
      <p className="muted center">
        No code? <Link href="/forgot-password">Send a new one</Link>
      </p>
    </form>
  );
}
