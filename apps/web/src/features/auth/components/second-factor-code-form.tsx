import { useId, type FormEvent } from 'react';
import type { MfaMethod } from '@twofold/mfa-core/contracts';
import { Button } from '../../../components/ui/button';
import { OtpInput } from '../../../components/ui/otp-input';
import { TextField } from '../../../components/ui/text-field';
import '../auth.css';

export const OTP_LENGTH = 6;

/** "ABCDE 12345", "abcde-12345", "abcde12345" -> "abcde-12345"; null when it cannot be a code. */
export function normalizeBackupCode(raw: string): string | null {
  const compact = raw.toLowerCase().replace(/[\s-]/g, '');
  if (!/^[0-9a-z]{10}$/.test(compact)) return null;
  return `${compact.slice(0, 5)}-${compact.slice(5)}`;
}

const codeLabels: Record<MfaMethod, string> = {
  totp: 'Authentication code',
  email: 'Email code',
  backup_code: 'Backup code',
};

export interface SecondFactorCodeFormProps {
  method: MfaMethod;
  /** The code field's id, so the dialog can put focus back into it. */
  inputId: string;
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  error?: string | undefined;
  /** Locked out or nothing to verify against: the form cannot be sent. */
  disabled: boolean;
  pending: boolean;
  trustDevice: boolean;
  onTrustDeviceChange: (trust: boolean) => void;
}

/** The code field (digits for TOTP and email, a text field for backup codes) and "Trust this browser". */
export function SecondFactorCodeForm({
  method,
  inputId,
  value,
  onChange,
  onSubmit,
  error,
  disabled,
  pending,
  trustDevice,
  onTrustDeviceChange,
}: SecondFactorCodeFormProps) {
  const trustHintId = useId();

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit();
  }

  return (
    <form className="stack" onSubmit={handleSubmit} noValidate>
      {method === 'backup_code' ? (
        <TextField
          id={inputId}
          label={codeLabels[method]}
          name="backup-code"
          className="input--backup"
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          placeholder="xxxxx-xxxxx"
          maxLength={24}
          hint="Each backup code works once. Capitals, spaces and dashes do not matter."
          value={value}
          onChange={(event) => onChange(event.target.value)}
          error={error}
          disabled={disabled}
          required
        />
      ) : (
        <OtpInput
          id={inputId}
          label={codeLabels[method]}
          name="code"
          length={OTP_LENGTH}
          value={value}
          onChange={onChange}
          error={error}
          disabled={disabled}
          required
        />
      )}

      <div className="checkbox">
        <input
          id={`${inputId}-trust`}
          type="checkbox"
          className="checkbox__input"
          checked={trustDevice}
          onChange={(event) => onTrustDeviceChange(event.target.checked)}
          aria-describedby={trustHintId}
          disabled={disabled}
        />
        <div>
          <label htmlFor={`${inputId}-trust`} className="checkbox__label">
            Trust this browser for 30 days
          </label>
          <p id={trustHintId} className="checkbox__hint">
            Skip this step on this browser. Not on a shared or public computer.
          </p>
        </div>
      </div>

      <Button type="submit" block pending={pending} disabled={disabled}>
        {pending ? 'Verifying…' : 'Verify'}
      </Button>
    </form>
  );
}
