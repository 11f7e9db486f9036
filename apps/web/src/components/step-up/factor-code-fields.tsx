import type { MfaMethod } from '@twofold/mfa-core/contracts';
import { Button } from '../ui/button';
import { ErrorAlert } from '../ui/error-alert';
import { FormField } from '../ui/form-field';
import { OtpInput } from '../ui/otp-input';
import { TextField } from '../ui/text-field';
import { useResendClock } from '../../hooks/use-resend-clock';
import { formatCountdown, formatTime } from '../../lib/format';
import { useSendStepUpEmail } from '../../api/send-step-up-email';
import { methodLabels } from './factor-wording';
import './step-up.css';

export interface FactorCodeFieldsProps {
  methods: MfaMethod[];
  method: MfaMethod;
  onMethodChange: (method: MfaMethod) => void;
  code: string;
  onCodeChange: (code: string) => void;
  error?: string | undefined;
  /** The code field's id, so the dialog can put focus in it. */
  inputId?: string;
  /** A complete 6-digit code was typed or pasted (backup codes are sent with the button). */
  onComplete?: (code: string) => void;
}

/** Picks a second-factor method and takes its code; for email codes, sends one on request. */
export function FactorCodeFields({
  methods,
  method,
  onMethodChange,
  code,
  onCodeChange,
  error,
  inputId,
  onComplete,
}: FactorCodeFieldsProps) {
  const send = useSendStepUpEmail();
  const resendClock = useResendClock();

  function sendCode() {
    send.mutate(undefined, {
      onSuccess: (result) => resendClock.restart(result.resendAvailableAt),
      onError: resendClock.follow,
    });
  }

  return (
    <div className="stack">
      {methods.length > 1 && (
        <FormField label="Verify with">
          {(control) => (
            <select
              {...control}
              className="input step-up-select"
              value={method}
              onChange={(event) => {
                onMethodChange(event.target.value as MfaMethod);
                onCodeChange('');
              }}
            >
              {methods.map((option) => (
                <option key={option} value={option}>
                  {methodLabels[option]}
                </option>
              ))}
            </select>
          )}
        </FormField>
      )}

      {method === 'totp' && (
        <OtpInput
          id={inputId}
          label="Authenticator code"
          name="code"
          value={code}
          onChange={onCodeChange}
          onComplete={onComplete}
          hint="The 6-digit code your authenticator app shows now."
          error={error}
        />
      )}

      {method === 'email' && (
        <>
          <OtpInput
            id={inputId}
            label="Email code"
            name="code"
            value={code}
            onChange={onCodeChange}
            onComplete={onComplete}
            hint={
              send.data
                ? `We emailed you a code. It works until ${formatTime(send.data.expiresAt)}.`
                : 'Send a code to your email address, then enter it here.'
            }
            error={error}
          />
          <div className="row">
            <Button
              variant="secondary"
              onClick={sendCode}
              pending={send.isPending}
              disabled={resendClock.secondsLeft > 0}
            >
              {resendClock.secondsLeft > 0
                ? `Send again in ${formatCountdown(resendClock.secondsLeft)}`
                : send.data
                  ? 'Send a new code'
                  : 'Send code'}
            </Button>
          </div>
          <ErrorAlert error={send.error?.code === 'RESEND_TOO_SOON' ? null : send.error} />
        </>
      )}

      {method === 'backup_code' && (
        <TextField
          id={inputId}
          label="Backup code"
          name="code"
          value={code}
          onChange={(event) => onCodeChange(event.target.value.slice(0, 64))}
          autoComplete="one-time-code"
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          placeholder="xxxxx-xxxxx"
          hint="One of the codes you saved. Each works once."
          error={error}
        />
      )}
    </div>
  );
}
