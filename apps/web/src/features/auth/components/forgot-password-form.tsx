import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { TextField } from '../../../components/ui/text-field';
import { fieldErrors } from '../../../lib/error-messages';
import { useForgotPassword } from '../api/forgot-password';

export function ForgotPasswordForm() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const forgot = useForgotPassword();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const address = email.trim();
    forgot.mutate({ email: address }, { onSuccess: () => setSentTo(address) });
  }

  if (sentTo) {
    return (
      <div className="stack">
        <header className="card__header">
          <h1 className="card__title">Check your email</h1>
        </header>
        {/* Same words whether or not the address has an account: nothing to learn here. */}
        <Alert tone="success">
          If <strong className="break-all">{sentTo}</strong> has an account, a reset code is on its
          way.
        </Alert>
        <Link
          href={`/reset-password?${new URLSearchParams({ email: sentTo }).toString()}`}
          className="btn btn--primary btn--block"
        >
          Enter the code
        </Link>
        <Button variant="link" onClick={() => setSentTo(null)}>
          Use a different email
        </Button>
      </div>
    );
  }

  return (
    <form className="stack" onSubmit={handleSubmit}>
      <header className="card__header">
        <h1 className="card__title">Reset your password</h1>
        <p className="card__description">
          Enter your account email and we will send you a code to choose a new password.
        </p>
      </header>
      <ErrorAlert error={forgot.error?.code === 'VALIDATION_ERROR' ? null : forgot.error} />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={fieldErrors(forgot.error).email}
      />
      <Button type="submit" block pending={forgot.isPending}>
        {forgot.isPending ? 'Sending…' : 'Send reset code'}
      </Button>
      <p className="muted center">
        Remembered it? <Link href="/sign-in">Back to sign in</Link>
      </p>
    </form>
  );
}
