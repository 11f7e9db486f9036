import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type {
  MfaRequiredResponse,
  PublicUser,
  VerificationRequiredResponse,
} from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { TextField } from '../../../components/ui/text-field';
import { fieldErrors } from '../../../lib/error-messages';
import { useLogin } from '../api/login';
import { readSignInEntry, writeSignInEntry } from '../history-state';
import { EmailCodeStep } from './email-code-step';
import { SecondFactorDialog } from './second-factor-dialog';

type Step =
  | { kind: 'credentials' }
  | { kind: 'verify-email'; email: string; challenge: VerificationRequiredResponse }
  | { kind: 'second-factor'; challenge: MfaRequiredResponse };

const PASSWORD_ID = 'sign-in-password';

export interface SignInFormProps {
  onAuthenticated: (user: PublicUser) => void;
  /** Policy requires MFA and the grace period is over: the session may only enroll a factor. */
  onSetupRequired: () => void;
}

/**
 * Email and password first; the API's answer decides the next step: signed in, the emailed
 * verification code, or the second factor (a dialog over this form).
 */
export function SignInForm({ onAuthenticated, onSetupRequired }: SignInFormProps) {
  // Read once: what the history entry says about how the person got here.
  const [arrival] = useState(readSignInEntry);
  const [interrupted, setInterrupted] = useState(arrival.interruptedStep !== undefined);
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const [email, setEmail] = useState(arrival.email ?? '');
  const [password, setPassword] = useState('');
  const focusPassword = useRef(false);
  const login = useLogin();

  // After the dialog closes (and the browser has put focus back where it was), the password is
  // what the user types next.
  useEffect(() => {
    if (step.kind !== 'credentials' || !focusPassword.current) return;
    focusPassword.current = false;
    document.getElementById(PASSWORD_ID)?.focus();
  }, [step]);

  // The note is said once: a second reload of the password form has nothing to explain.
  useEffect(() => {
    if (arrival.interruptedStep) writeSignInEntry({ email: arrival.email });
  }, [arrival]);

  function enter(next: Exclude<Step, { kind: 'credentials' }>, address: string) {
    // A step that lives only in this page is lost on reload: remember it, to say why after.
    writeSignInEntry({ email: address, interruptedStep: next.kind });
    setInterrupted(false);
    setStep(next);
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    login.mutate(
      { email: email.trim(), password },
      {
        onSuccess: (result) => {
          setPassword('');
          switch (result.status) {
            case 'authenticated':
              onAuthenticated(result.user);
              return;
            case 'verification_required':
              enter({ kind: 'verify-email', email: email.trim(), challenge: result }, email.trim());
              return;
            case 'mfa_required':
              enter({ kind: 'second-factor', challenge: result }, email.trim());
              return;
            case 'mfa_setup_required':
              onSetupRequired();
              return;
            default:
              return assertNever(result);
          }
        },
      },
    );
  }

  function backToCredentials() {
    writeSignInEntry({ email: email.trim() });
    login.reset();
    setPassword('');
    focusPassword.current = true;
    setStep({ kind: 'credentials' });
  }

  if (step.kind === 'verify-email') {
    return (
      <EmailCodeStep
        email={step.email}
        challenge={step.challenge}
        onAuthenticated={onAuthenticated}
        onSetupRequired={onSetupRequired}
        onBack={backToCredentials}
        title="Verify your email to sign in"
        intro="Your email address is not verified yet. We sent a new 6-digit code to"
      />
    );
  }

  const fields = fieldErrors(login.error);
  return (
    <>
      <form className="stack" onSubmit={handleSubmit}>
        <header className="card__header">
          <h1 className="card__title">Sign in</h1>
          <p className="card__description">Welcome back to Twofold.</p>
        </header>

        {interrupted && !login.error && (
          <Alert tone="info" title="Sign in again">
            Your sign-in step expired or the page was reloaded, and that step does not survive a
            reload. Enter your password again to continue.
          </Alert>
        )}
        <ErrorAlert error={login.error} />

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
        <TextField
          label="Password"
          id={PASSWORD_ID}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fields.password}
          // Prefilled address (after a reset or a reload): the password is what is left to type.
          autoFocus={Boolean(arrival.email)}
        />
        <Button type="submit" block pending={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
        {/* After the button, so Tab goes email, password, "Sign in", then the way out. */}
        <p className="center">
          <Link href="/forgot-password">Forgot password?</Link>
        </p>
        <p className="muted center">
          New to Twofold? <Link href="/register">Create an account</Link>
        </p>
      </form>
      {step.kind === 'second-factor' && (
        <SecondFactorDialog
          // A new sign-in attempt starts the dialog afresh.
          key={step.challenge.expiresAt}
          challenge={step.challenge}
          onClose={backToCredentials}
          onAuthenticated={onAuthenticated}
          onSetupRequired={onSetupRequired}
        />
      )}
    </>
  );
}

function assertNever(value: never): never {
  throw new Error(`Unhandled sign-in answer: ${JSON.stringify(value)}`);
}
