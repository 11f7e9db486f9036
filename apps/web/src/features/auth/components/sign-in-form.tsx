import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type {
  MfaRequiredResponse,
  MfaSetupRequiredResponse,
  PublicUser,
  VerificationRequiredResponse,
} from '@twofold/mfa-core/contracts';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { TextField } from '../../../components/ui/text-field';
import { fieldErrors } from '../../../lib/error-messages';
import { useLogin } from '../api/login';
import { useRefreshSession } from '../api/refresh-session';
import { EmailCodeStep } from './email-code-step';
import { SecondFactorNotice, SetupRequiredNotice } from './second-factor-notice';

type Step =
  | { kind: 'credentials' }
  | { kind: 'verify-email'; email: string; challenge: VerificationRequiredResponse }
  | { kind: 'second-factor'; email: string; challenge: MfaRequiredResponse }
  | { kind: 'setup-required'; answer: MfaSetupRequiredResponse };

export interface SignInFormProps {
  onAuthenticated: (user: PublicUser) => void;
}

/**
 * Email and password first; the API's answer decides the next step. The second-factor step is
 * where the MFA prompt plugs in.
 */
export function SignInForm({ onAuthenticated }: SignInFormProps) {
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useLogin();
  const refreshSession = useRefreshSession();

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
              setStep({ kind: 'verify-email', email: email.trim(), challenge: result });
              return;
            case 'mfa_required':
              setStep({ kind: 'second-factor', email: email.trim(), challenge: result });
              return;
            case 'mfa_setup_required':
              setStep({ kind: 'setup-required', answer: result });
              return;
            default:
              return assertNever(result);
          }
        },
      },
    );
  }

  function backToCredentials() {
    login.reset();
    setStep({ kind: 'credentials' });
  }

  switch (step.kind) {
    case 'verify-email':
      return (
        <EmailCodeStep
          email={step.email}
          challenge={step.challenge}
          onAuthenticated={onAuthenticated}
          onBack={backToCredentials}
          title="Verify your email to sign in"
          intro="Your email address is not verified yet. We sent a new 6-digit code to"
        />
      );
    case 'second-factor':
      return (
        <SecondFactorNotice
          email={step.email}
          challenge={step.challenge}
          onBack={backToCredentials}
        />
      );
    case 'setup-required':
      return (
        <SetupRequiredNotice
          answer={step.answer}
          onContinue={async () => {
            await refreshSession();
            onAuthenticated(step.answer.user);
          }}
        />
      );
    case 'credentials':
      break;
  }

  const fields = fieldErrors(login.error);
  return (
    <form className="stack" onSubmit={handleSubmit}>
      <header className="card__header">
        <h1 className="card__title">Sign in</h1>
        <p className="card__description">Welcome back to Twofold.</p>
      </header>

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
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={fields.password}
        labelAside={
          <Link href="/forgot-password" className="field__aside">
            Forgot password?
          </Link>
        }
      />
      <Button type="submit" block pending={login.isPending}>
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
      <p className="muted center">
        New to Twofold? <Link href="/register">Create an account</Link>
      </p>
    </form>
  );
}

function assertNever(value: never): never {
  throw new Error(`Unhandled sign-in answer: ${JSON.stringify(value)}`);
}
