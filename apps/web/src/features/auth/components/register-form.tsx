import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type { PublicUser, VerificationRequiredResponse } from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { TextField } from '../../../components/ui/text-field';
import { errorMessage, fieldErrors } from '../../../lib/error-messages';
import { useRegister } from '../api/register';
import { readRegisterEntry, writeRegisterEntry, type RegisterEntry } from '../history-state';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../password-policy';
import { EmailCodeStep } from './email-code-step';

export interface RegisterFormProps {
  onAuthenticated: (user: PublicUser) => void;
  /** Policy requires MFA from the start: the new session may only enroll a factor. */
  onSetupRequired: () => void;
}

/** Account details, then the emailed code; a correct code signs the new user in. */
export function RegisterForm({ onAuthenticated, onSetupRequired }: RegisterFormProps) {
  // A reload during the code step: pick it up again while its code (and the pending cookie,
  // which lives as long) still works; past that, say why the form is back.
  const [resumed] = useState(resumeEntry);
  const [email, setEmail] = useState(resumed?.email ?? '');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<VerificationRequiredResponse | null>(
    resumed?.live ? resumed.challenge : null,
  );
  const [lapsed, setLapsed] = useState(resumed !== undefined && !resumed.live);
  const registration = useRegister();

  // Said once: a further reload of the form has nothing left to explain.
  useEffect(() => {
    if (resumed && !resumed.live) writeRegisterEntry(undefined);
  }, [resumed]);

  function enterCodeStep(next: VerificationRequiredResponse) {
    writeRegisterEntry({ email: email.trim(), challenge: next });
    setLapsed(false);
    setChallenge(next);
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    registration.mutate(
      { email: email.trim(), password },
      {
        onSuccess: (result) => {
          setPassword('');
          enterCodeStep(result);
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
        onResent={(next) =>
          writeRegisterEntry({
            email: email.trim(),
            challenge: { status: 'verification_required', ...next },
          })
        }
        onBack={() => {
          writeRegisterEntry(undefined);
          registration.reset();
          setChallenge(null);
        }}
        note={
          resumed?.live && challenge === resumed.challenge ? (
            <Alert tone="info">
              The page was reloaded: you are still at the code step. The code we sent still works.
            </Alert>
          ) : undefined
        }
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

      {lapsed && !registration.error && (
        <Alert tone="info" title="Your code expired">
          The page was reloaded after the emailed code expired. Create the account again to get a
          new code.
        </Alert>
      )}
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

function resumeEntry(): (RegisterEntry & { live: boolean }) | undefined {
  const entry = readRegisterEntry();
  if (!entry) return undefined;
  return { ...entry, live: Date.parse(entry.challenge.expiresAt) > Date.now() };
}
