import type {
  MfaMethod,
  MfaRequiredResponse,
  MfaSetupRequiredResponse,
} from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { formatDateTime } from '../../../lib/format';

const methodNames: Record<MfaMethod, string> = {
  totp: 'an authenticator app',
  email: 'a code sent by email',
  backup_code: 'a backup code',
};

export interface SecondFactorNoticeProps {
  email: string;
  challenge: MfaRequiredResponse;
  onBack: () => void;
}

/** Stands where the second-step prompt goes: the password was right, a second factor is due. */
export function SecondFactorNotice({ email, challenge, onBack }: SecondFactorNoticeProps) {
  const methods = challenge.methods.map((method) => methodNames[method]);
  return (
    <div className="stack">
      <header className="card__header">
        <h1 className="card__title">Second factor required</h1>
        <p className="card__description">
          Your password for <strong className="break-all">{email}</strong> is correct, and this
          account is protected by two-factor authentication
          {methods.length > 0 && <> ({joinWithOr(methods)})</>}.
        </p>
      </header>
      <Alert tone="info">
        Entering the second factor is not available in this version of the app yet; it arrives with
        MFA support.
      </Alert>
      <Button variant="secondary" block onClick={onBack}>
        Back to sign in
      </Button>
    </div>
  );
}

export interface SetupRequiredNoticeProps {
  answer: MfaSetupRequiredResponse;
  onContinue: () => void | Promise<void>;
}

/** Policy demands MFA and the grace period is over: the session may only enroll a factor. */
export function SetupRequiredNotice({ answer, onContinue }: SetupRequiredNoticeProps) {
  return (
    <div className="stack">
      <header className="card__header">
        <h1 className="card__title">Set up two-factor authentication</h1>
        <p className="card__description">
          Your organisation requires two-factor authentication for your account. The grace period
          ended on {formatDateTime(answer.graceEndedAt)}.
        </p>
      </header>
      <Alert tone="warning">
        Until a second factor is set up, this session can only be used to add one. The setup wizard
        arrives with MFA support.
      </Alert>
      <Button block onClick={() => void onContinue()}>
        Continue
      </Button>
    </div>
  );
}

function joinWithOr(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
