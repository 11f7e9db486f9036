import { useEffect, useId, useState, type FormEvent } from 'react';
import type { MfaMethod } from '@twofold/mfa-core/contracts';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorAlert } from '../ui/error-alert';
import { TextField } from '../ui/text-field';
import { useMfaStatus } from '../../api/get-mfa-status';
import { useReauthenticate } from '../../api/reauthenticate';
import { useFocusOnShow } from '../../hooks/use-focus-on-show';
import type { ApiError } from '../../lib/api-error';
import {
  availableMethods,
  CODE_ERRORS,
  factorCodeErrorMessage,
  passwordErrorMessage,
} from './factor-wording';
import { FactorCodeFields } from './factor-code-fields';
import './step-up.css';

export interface StepUpDialogProps {
  open: boolean;
  /** The password the screen already took: only a code is asked for. */
  knownPassword?: string | undefined;
  onConfirmed: () => void;
  onCancel: () => void;
  /** The known password was refused: the screen that took it shows the error. */
  onRefused: (error: ApiError) => void;
}

export function StepUpDialog({ open, knownPassword, ...handlers }: StepUpDialogProps) {
  return (
    <Dialog
      open={open}
      title="Confirm it’s you"
      onClose={handlers.onCancel}
      description={
        knownPassword === undefined
          ? 'For your security, confirm your identity to continue. You will not be asked again for 15 minutes.'
          : 'For your security, enter a current code to continue. You will not be asked again for 15 minutes.'
      }
    >
      <StepUpForm knownPassword={knownPassword} {...handlers} />
    </Dialog>
  );
}

/**
 * Mounted only while the dialog is open, so each opening starts empty. Focus starts in the first
 * field; a complete 6-digit code confirms by itself once the password is there, as in the
 * sign-in modal.
 */
function StepUpForm({
  knownPassword,
  onConfirmed,
  onCancel,
  onRefused,
}: Omit<StepUpDialogProps, 'open'>) {
  const status = useMfaStatus();
  const methods = availableMethods(status.data);
  const [password, setPassword] = useState('');
  const [chosen, setChosen] = useState<MfaMethod | null>(null);
  const [code, setCode] = useState('');
  const [missing, setMissing] = useState<'password' | 'code' | null>(null);
  const reauth = useReauthenticate();
  const method = chosen && methods.includes(chosen) ? chosen : methods[0];
  const passwordId = useId();
  const codeId = useId();
  const askPassword = knownPassword === undefined;
  useFocusOnShow(
    status.isPending ? null : askPassword ? passwordId : codeId,
    askPassword ? undefined : method,
  );
  // Two-factor off and the password known: there is nothing to ask, so confirm at once.
  const nothingToAsk = !askPassword && status.isSuccess && methods.length === 0;
  useEffect(() => {
    if (nothingToAsk) confirm('');
    // Once per opening: the form is mounted afresh each time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nothingToAsk]);

  function confirm(typedCode: string) {
    const secret = knownPassword ?? password;
    if (!secret) return setMissing('password');
    if (method && !typedCode.trim()) return setMissing('code');
    if (reauth.isPending) return;
    const body = method
      ? { password: secret, method, code: typedCode.trim() }
      : { password: secret };
    reauth.mutate(body, {
      onSuccess: onConfirmed,
      onError: (error) => {
        if (error.code === 'INVALID_CREDENTIALS' && !askPassword) return onRefused(error);
        if (error.code === 'INVALID_CREDENTIALS') setPassword('');
        if (CODE_ERRORS.has(error.code)) setCode('');
      },
    });
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    confirm(code);
  }
  const error = reauth.error;
  const passwordError =
    missing === 'password'
      ? 'Enter your password.'
      : error?.code === 'INVALID_CREDENTIALS'
        ? passwordErrorMessage(error, 'confirm')
        : undefined;
  const codeError =
    missing === 'code'
      ? 'Enter a code to continue.'
      : error && method && CODE_ERRORS.has(error.code)
        ? factorCodeErrorMessage(error, method)
        : undefined;
  const otherError =
    error && error.code !== 'INVALID_CREDENTIALS' && !CODE_ERRORS.has(error.code) ? error : null;

  if (status.isPending) {
    return (
      <p className="page-status" role="status">
        Loading…
      </p>
    );
  }

  return (
    <form className="stack" onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={status.error} title="Could not load your sign-in methods" />
      <ErrorAlert error={otherError} />
      {askPassword && (
        <TextField
          id={passwordId}
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => {
            setPassword(event.target.value);
            setMissing(null);
          }}
          error={passwordError}
        />
      )}
      {method && (
        <FactorCodeFields
          methods={methods}
          method={method}
          onMethodChange={(next) => {
            setChosen(next);
            reauth.reset();
          }}
          code={code}
          onCodeChange={(next) => {
            setCode(next);
            setMissing(null);
          }}
          error={codeError}
          inputId={codeId}
          onComplete={(complete) => {
            if (knownPassword ?? password) confirm(complete);
          }}
        />
      )}
      <div className="row step-up-actions">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" pending={reauth.isPending}>
          {reauth.isPending ? 'Confirming…' : 'Confirm'}
        </Button>
      </div>
    </form>
  );
}
