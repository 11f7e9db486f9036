import { useId, useState, type FormEvent } from 'react';
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
import { useFocusOnShow } from '../../../hooks/use-focus-on-show';

export interface DisableMfaDialogProps {
  open: boolean;
  status: MfaStatusResponse;
  onClose: () => void;
  onDisabled: () => void;
  /** Removing the only method is turning off under another name: same rules, its own words. */
  title?: string;
  description?: string;
  confirmLabel?: string;
}

/**
 * Turning two-factor off: "Turn off" first goes without a code. Without a recent identity check
 * the API asks for one ("Confirm it's you": password and a code), after which it needs no other
 * code; with an older one still open (past 5 minutes) it answers CODE_REQUIRED and the dialog
 * asks for just a current code. So a person types at most one password and one code.
 */
export function DisableMfaDialog({
  open,
  status,
  onClose,
  onDisabled,
  title = 'Turn off two-factor authentication?',
  description = 'Your sign-in methods, backup codes and trusted browsers will be removed, and your other sessions signed out. Signing in will only need your password.',
  confirmLabel = 'Turn off',
}: DisableMfaDialogProps) {
  return (
    <Dialog open={open} title={title} onClose={onClose} description={description}>
      <DisableMfaForm
        status={status}
        onClose={onClose}
        onDisabled={onDisabled}
        confirmLabel={confirmLabel}
      />
    </Dialog>
  );
}

function DisableMfaForm({
  status,
  onClose,
  onDisabled,
  confirmLabel,
}: Pick<DisableMfaDialogProps, 'status' | 'onClose' | 'onDisabled'> & { confirmLabel: string }) {
  const methods = availableMethods(status);
  const [chosen, setChosen] = useState<MfaMethod | null>(null);
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [missing, setMissing] = useState(false);
  const disable = useDisableMfa();
  const method: MfaMethod = chosen && methods.includes(chosen) ? chosen : (methods[0] ?? 'totp');
  const cancelId = useId();
  const codeId = useId();
  // Cancel first (the destructive button is never the default), the code field once it is asked.
  useFocusOnShow(needsCode ? codeId : cancelId, needsCode ? method : undefined);

  function turnOff(typedCode: string | null) {
    if (disable.isPending) return;
    disable.mutate(typedCode === null ? {} : { method, code: typedCode.trim() }, {
      onSuccess: onDisabled,
      onError: (error) => {
        if (error.code === 'CODE_REQUIRED') setNeedsCode(true);
        if (CODE_ERRORS.has(error.code)) setCode('');
      },
    });
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!needsCode) return turnOff(null);
    if (!code.trim()) return setMissing(true);
    turnOff(code);
  }

  const error =
    isStepUpCancelled(disable.error) || disable.error?.code === 'CODE_REQUIRED'
      ? null
      : disable.error;
  const codeError = missing
    ? 'Enter a current code to turn two-factor authentication off.'
    : error && CODE_ERRORS.has(error.code)
      ? factorCodeErrorMessage(error, method)
      : undefined;

  return (
    <form className="stack" onSubmit={handleSubmit} noValidate>
      <ErrorAlert error={error && !CODE_ERRORS.has(error.code) ? error : null} />
      {needsCode && (
        <>
          <p>To turn it off, enter a current code.</p>
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
            inputId={codeId}
            onComplete={turnOff}
          />
        </>
      )}
      <div className="row security-actions">
        <Button id={cancelId} variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant="secondary"
          className="security-danger security-danger--solid"
          pending={disable.isPending}
        >
          {disable.isPending ? 'Turning off…' : confirmLabel}
        </Button>
      </div>
    </form>
  );
}
