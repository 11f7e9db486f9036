import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type { PublicUser, VerificationRequiredResponse } from '@twofold/mfa-core/contracts';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { TextField } from '../../../components/ui/text-field';
import { errorMessage, fieldErrors } from '../../../lib/error-messages';
import { useRegister } from '../api/register';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-policy';
import { EmailCodeStep } from './email-code-step';

export interface RegisterFormProps {
  onAuthenticated: (user: PublicUser) => void;
  /** Policy requires MFA from the start: the new session may only enroll a factor. */
  onSetupRequired: () => void;
}

/** Account details, then the emailed code; a correct code signs the new user in. */
export function RegisterForm({ onAuthenticated, onSetupRequired }: RegisterFormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<VerificationRequiredResponse | null>(null);
  const registration = useRegister();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    registration.mutate(
      { email: email.trim(), password },
      {
        onSuccess: (result) => {
          setPassword('');
          setChallenge(result);
        },
      },
    );
  }

  if (challenge) {
    return (
      <EmailCodeStep
        email={email.trim()}
        challenge={challenge}
        onAuthenticated={onAuthenticated}
        onSetupRequired={onSetupRequired}
        onBack={() => {
          registration.reset();
          setChallenge(null);
        }}
      />
    );
  }

  const fields = fieldErrors(registration.error);
  const passwordError =
    registration.error?.code === 'WEAK_PASSWORD'
      ? errorMessage(registration.error)
      : fields.password;
  // Errors that belong to a field are shown there, not twice.
  const formError =
    registration.error && !passwordError && !fields.email ? registration.error : null;

  return (
    <form className="stack" onSubmit={handleSubmit}>
      <header className="card__header">
        <h1 className="card__title">Create your account</h1>
        <p className="card__description">We will email you a code to confirm the address.</p>
      </header>

      <ErrorAlert error={formError} />

      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        maxLength={254}
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={fields.email}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN_LENGTH}
        maxLength={PASSWORD_MAX_LENGTH}
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A passphrase of a few words works well.`}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={passwordError}
      />
      <Button type="submit" block pending={registration.isPending}>
        {registration.isPending ? 'Creating account…' : 'Create account'}
      </Button>
      <p className="muted center">
        Already have an account? <Link href="/sign-in">Sign in</Link>
      </p>
    </form>
  );
}
