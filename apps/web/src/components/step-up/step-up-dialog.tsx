import { useState, type FormEvent } from 'react';
import type { MfaMethod } from '@twofold/mfa-core/contracts';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorAlert } from '../ui/error-alert';
import { TextField } from '../ui/text-field';
import { useMfaStatus } from '../../api/get-mfa-status';
import { useReauthenticate } from '../../api/reauthenticate';
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
  onConfirmed: () => void;
  onCancel: () => void;
}

export function StepUpDialog({ open, onConfirmed, onCancel }: StepUpDialogProps) {
  return (
    <Dialog
      open={open}
      title="Confirm it’s you"
      onClose={onCancel}
      description="For your security, confirm your identity to continue. You will not be asked again for 15 minutes."
    >
      <StepUpForm onConfirmed={onConfirmed} onCancel={onCancel} />
    </Dialog>
  );
}

/** Mounted only while the dialog is open, so each opening starts empty. */
function StepUpForm({ onConfirmed, onCancel }: Omit<StepUpDialogProps, 'open'>) {
  const status = useMfaStatus();
  const methods = availableMethods(status.data);
  const [password, setPassword] = useState('');
  const [chosen, setChosen] = useState<MfaMethod | null>(null);
  const [code, setCode] = useState('');
  const [missing, setMissing] = useState<'password' | 'code' | null>(null);
  const reauth = useReauthenticate();
  const method = chosen && methods.includes(chosen) ? chosen : methods[0];

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!password) return setMissing('password');
    if (method && !code.trim()) return setMissing('code');
    reauth.mutate(method ? { password, method, code: code.trim() } : { password }, {
      onSuccess: onConfirmed,
      onError: (error) => {
        if (error.code === 'INVALID_CREDENTIALS') setPassword('');
        if (CODE_ERRORS.has(error.code)) setCode('');
      },
    });
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
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        autoFocus
        value={password}
        onChange={(event) => {
          setPassword(event.target.value);
          setMissing(null);
        }}
        error={passwordError}
      />
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
