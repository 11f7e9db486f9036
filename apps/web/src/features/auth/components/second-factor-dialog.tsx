import { useEffect, useId, useState } from 'react';
import type {
  MfaMethod,
  MfaRequiredResponse,
  MfaVerifyBody,
  PublicUser,
} from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { useSecondsUntil } from '../../../hooks/use-seconds-until';
import type { ApiError } from '../../../lib/api-error';
import { formatCountdown } from '../../../lib/format';
import { useSendSignInCode } from '../api/send-sign-in-code';
import { useVerifySecondFactor } from '../api/verify-second-factor';
import { classifyVerifyError, lockedMessage } from '../second-factor-errors';
import { normalizeBackupCode, OTP_LENGTH, SecondFactorCodeForm } from './second-factor-code-form';
import { SignInEmailCode, type SentEmailCode } from './sign-in-email-code';
import '../auth.css';

type Problem =
  | { kind: 'code'; message: string }
  /** `until` in epoch ms; null is a lock only a password reset or an admin lifts. */
  | { kind: 'locked'; until: number | null }
  | { kind: 'expired' }
  | { kind: 'request'; error: ApiError };

const switchLabels: Record<MfaMethod, string> = {
  totp: 'Use your authenticator app',
  email: 'Email me a code',
  backup_code: 'Use a backup code',
};

const descriptions: Record<MfaMethod, string> = {
  totp: 'Enter the 6-digit code from your authenticator app.',
  email: 'Enter the 6-digit code we email you.',
  backup_code: 'Enter one of the backup codes you saved when you set up two-factor authentication.',
};

function firstMethod(methods: MfaMethod[]): MfaMethod {
  return (['totp', 'email', 'backup_code'] as const).find((m) => methods.includes(m)) ?? 'totp';
}

export interface SecondFactorDialogProps {
  challenge: MfaRequiredResponse;
  /** Esc, the close button and "Start again": back to the password form. */
  onClose: () => void;
  onAuthenticated: (user: PublicUser) => void;
  /** Policy requires MFA and the session may only enroll a factor. */
  onSetupRequired: () => void;
}

/** The second step of sign-in, in a modal over the password form. */
export function SecondFactorDialog({
  challenge,
  onClose,
  onAuthenticated,
  onSetupRequired,
}: SecondFactorDialogProps) {
  const [method, setMethod] = useState<MfaMethod>(() => firstMethod(challenge.methods));
  const [code, setCode] = useState('');
  const [trustDevice, setTrustDevice] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [lastBody, setLastBody] = useState<MfaVerifyBody | null>(null);
  const [emailCode, setEmailCode] = useState<SentEmailCode | null>(null);
  const verify = useVerifySecondFactor();
  const send = useSendSignInCode();
  const inputId = useId();

  const secondsLeft = useSecondsUntil(challenge.expiresAt);
  // One deadline on screen: the attempt's, or the emailed code's while that one ends first
  // (once it has ended, the email status says so and the attempt's clock is the one left).
  const codeSecondsLeft = useSecondsUntil(method === 'email' ? emailCode?.expiresAt : undefined);
  const codeEndsFirst = codeSecondsLeft > 0 && codeSecondsLeft < secondsLeft;
  const lockUntil = problem?.kind === 'locked' ? (problem.until ?? undefined) : undefined;
  const lockSeconds = useSecondsUntil(lockUntil);
  const expired = secondsLeft === 0 || problem?.kind === 'expired';
  const hardLocked = problem?.kind === 'locked' && problem.until === null;
  const waiting = lockUntil !== undefined && lockSeconds > 0;

  function focusCode() {
    document.getElementById(inputId)?.focus();
  }

  // Into the code field when the dialog opens, when the method changes and when a lock ends.
  // Deferred a tick: the <dialog> becomes modal after this effect and showModal() moves focus.
  const fieldUsable = !waiting && !hardLocked;
  useEffect(() => {
    if (!fieldUsable) return;
    const timer = setTimeout(() => document.getElementById(inputId)?.focus(), 0);
    return () => clearTimeout(timer);
  }, [method, inputId, fieldUsable]);

  function submit(body: MfaVerifyBody) {
    if (verify.isPending || expired || hardLocked || waiting) return;
    setProblem(null);
    setLastBody(body);
    verify.mutate(body, {
      onSuccess: (result) => {
        if (result.status === 'authenticated') onAuthenticated(result.user);
        else onSetupRequired();
      },
      onError: (error) => {
        const failure = classifyVerifyError(error, body.method);
        if (failure.kind === 'locked') {
          const until = failure.retryAfter ? Date.now() + failure.retryAfter * 1000 : null;
          setProblem({ kind: 'locked', until });
        } else {
          setProblem(failure);
        }
        // A wrong code is gone for good; an unanswered request keeps it for "Retry".
        if (failure.kind === 'code' || failure.kind === 'locked') setCode('');
        if (failure.kind === 'code') focusCode();
      },
    });
  }

  function bodyFor(value: string): MfaVerifyBody {
    return { method, code: value, ...(trustDevice ? { trustDevice: true } : {}) };
  }

  function handleCodeChange(next: string) {
    setCode(next);
    if (problem?.kind === 'code' || problem?.kind === 'request') setProblem(null);
    // Six digits is a whole code: no need to look for the button.
    if (method !== 'backup_code' && next.length === OTP_LENGTH) submit(bodyFor(next));
  }

  function handleSubmit() {
    if (method === 'backup_code') {
      const normalized = normalizeBackupCode(code);
      if (!normalized) {
        setProblem({
          kind: 'code',
          message: 'Enter a 10-character backup code, like abcde-12345.',
        });
        focusCode();
        return;
      }
      submit(bodyFor(normalized));
      return;
    }
    if (code.length !== OTP_LENGTH) {
      setProblem({ kind: 'code', message: `Enter the ${OTP_LENGTH}-digit code.` });
      focusCode();
      return;
    }
    submit(bodyFor(code));
  }

  function sendEmailCode() {
    send.mutate(undefined, {
      onSuccess: (result) => {
        setEmailCode((previous) => ({
          expiresAt: result.expiresAt,
          resendAvailableAt: result.resendAvailableAt,
          sentTo: result.sentTo,
          replaced: previous?.expiresAt !== undefined,
        }));
        setCode('');
        if (problem?.kind === 'code') setProblem(null);
        focusCode();
      },
      onError: (error) => {
        if (error.code === 'CHALLENGE_REQUIRED') setProblem({ kind: 'expired' });
        // The server knows when the next code may go out; follow its clock.
        if (error.code === 'RESEND_TOO_SOON' && error.retryAfter) {
          const resendAvailableAt = Date.now() + error.retryAfter * 1000;
          setEmailCode((previous) => ({
            expiresAt: previous?.expiresAt,
            sentTo: previous?.sentTo,
            replaced: previous?.replaced ?? false,
            resendAvailableAt,
          }));
        }
      },
    });
  }

  function switchTo(next: MfaMethod) {
    setMethod(next);
    setCode('');
    if (problem?.kind === 'code' || problem?.kind === 'request') setProblem(null);
    if (next === 'email' && !emailCode && !send.isPending) sendEmailCode();
  }

  const fieldError =
    problem?.kind === 'code' ? problem.message : waiting ? lockedMessage(lockSeconds) : undefined;
  const otherMethods = challenge.methods.filter((m) => m !== method);

  return (
    <Dialog
      open
      title="Two-factor authentication"
      onClose={onClose}
      description={expired ? undefined : descriptions[method]}
    >
      {expired ? (
        <div className="stack mfa-dialog">
          <Alert tone="warning" title="This sign-in attempt expired">
            For your security a sign-in attempt lasts a few minutes. Enter your password again to
            get a new one.
          </Alert>
          <Button block onClick={onClose} autoFocus>
            Start again
          </Button>
        </div>
      ) : (
        <div className="stack mfa-dialog">
          <p className="mfa-expiry">
            {codeEndsFirst ? 'The code expires in ' : 'This sign-in attempt expires in '}
            <strong>{formatCountdown(codeEndsFirst ? codeSecondsLeft : secondsLeft)}</strong>
          </p>

          {hardLocked && (
            <Alert tone="error" title="Two-factor sign-in is locked">
              There were too many wrong codes. Ask an administrator to unlock your account: a
              password reset does not unlock it.
            </Alert>
          )}
          {problem?.kind === 'request' && (
            <div className="stack mfa-request-error">
              <ErrorAlert error={problem.error} />
              {problem.error.code === 'NETWORK_ERROR' && lastBody && (
                <Button variant="secondary" onClick={() => submit(lastBody)}>
                  Retry
                </Button>
              )}
            </div>
          )}

          {method === 'email' && (
            <SignInEmailCode
              sent={emailCode}
              sending={send.isPending}
              error={send.error}
              onSend={sendEmailCode}
            />
          )}

          <SecondFactorCodeForm
            method={method}
            inputId={inputId}
            value={code}
            onChange={handleCodeChange}
            onSubmit={handleSubmit}
            error={fieldError}
            disabled={!fieldUsable}
            pending={verify.isPending}
            trustDevice={trustDevice}
            onTrustDeviceChange={setTrustDevice}
          />

          {otherMethods.length > 0 && (
            <nav className="mfa-methods" aria-label="Other ways to verify">
              <p className="mfa-methods__title">Other ways to verify</p>
              <ul className="mfa-methods__list">
                {otherMethods.map((other) => (
                  <li key={other}>
                    <Button variant="link" onClick={() => switchTo(other)}>
                      {switchLabels[other]}
                    </Button>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </div>
      )}
    </Dialog>
  );
}
