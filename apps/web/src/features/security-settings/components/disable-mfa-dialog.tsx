import { useState, type FormEvent } from 'react';
import type { MfaMethod, MfaStatusResponse } from '@twofold/mfa-core/contracts';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { useDisableMfa } from '../api/disable-mfa';
import {
  availableMethods,
  CODE_ERRORS,
  factorCodeErrorMessage,
} from '../../../components/step-up/factor-wording';
import { isStepUpCancelled } from '../../../components/step-up/use-step-up';
import { FactorCodeFields } from '../../../components/step-up/factor-code-fields';

export interface DisableMfaDialogProps {
  open: boolean;
  status: MfaStatusResponse;
  onClose: () => void;
  onDisabled: () => void;
}

/** Turning two-factor off asks for a current code, on top of the step-up. */
export function DisableMfaDialog({ open, status, onClose, onDisabled }: DisableMfaDialogProps) {
  return (
    <Dialog
      open={open}
      title="Turn off two-factor authentication?"
      onClose={onClose}
      description="Your sign-in methods, backup codes and trusted browsers will be removed, and your other sessions signed out. Signing in will only need your password."
    >
      <DisableMfaForm status={status} onClose={onClose} onDisabled={onDisabled} />
    </Dialog>
  );
}

function DisableMfaForm({ status, onClose, onDisabled }: Omit<DisableMfaDialogProps, 'open'>) {
  const methods = availableMethods(status);
  const [chosen, setChosen] = useState<MfaMethod | null>(null);
  const [code, setCode] = useState('');
  const [missing, setMissing] = useState(false);
  const disable = useDisableMfa();
  const method: MfaMethod = chosen && methods.includes(chosen) ? chosen : (methods[0] ?? 'totp');

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!code.trim()) {
      setMissing(true);
      return;
    }
    disable.mutate(
      { method, code: code.trim() },
      {
        onSuccess: onDisabled,
        onError: (error) => {
          if (CODE_ERRORS.has(error.code)) setCode('');
        },
      },
    );
  }

  const error = isStepUpCancelled(disable.error) ? null : disable.error;
  const codeError = missing
    ? 'Enter a current code to turn two-factor authentication off.'
    : error && CODE_ERRORS.has(error.code)
      ? factorCodeErrorMessage(error, method)
      : undefined;

  return (
    <form className="stack" onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={error && !CODE_ERRORS.has(error.code) ? error : null} />
      <FactorCodeFields
        methods={methods}
        method={method}
        onMethodChange={(next) => {
          setChosen(next);
          disable.reset();
        }}
        code={code}
        onCodeChange={(next) => {
          setCode(next);
          setMissing(false);
        }}
        error={codeError}
      />
      <div className="row security-actions">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant="secondary"
          className="security-danger security-danger--solid"
          pending={disable.isPending}
        >
          {disable.isPending ? 'Turning off…' : 'Turn off'}
        </Button>
      </div>
    </form>
  );
}
