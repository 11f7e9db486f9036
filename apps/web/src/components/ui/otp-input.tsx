import type { ClipboardEvent, InputHTMLAttributes, ReactNode } from 'react';
import { FormField } from './form-field';

type NativeProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  | 'id'
  | 'type'
  | 'value'
  | 'defaultValue'
  | 'onChange'
  | 'maxLength'
  | 'inputMode'
  | 'autoComplete'
  | 'pattern'
>;

export interface OtpInputProps extends NativeProps {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  /** Number of digits in the code. */
  length?: number;
  hint?: ReactNode;
  error?: ReactNode;
  id?: string;
  /**
   * Called with the code when an edit (typing or a paste) makes it complete: a whole code needs
   * no button, as in the sign-in modal. Not called again until the code changes.
   */
  onComplete?: (code: string) => void;
}

export function onlyDigits(raw: string, length: number): string {
  return raw.replace(/\D/g, '').slice(0, length);
}

/**
 * One field for a numeric one-time code. A single input (rather than one box per digit) keeps
 * SMS/email autofill, password managers, paste and screen readers working without tricks.
 */
export function OtpInput({
  label,
  value,
  onChange,
  length = 6,
  hint,
  error,
  id,
  className,
  onPaste,
  onComplete,
  ...input
}: OtpInputProps) {
  function change(next: string) {
    onChange(next);
    if (onComplete && next.length === length && next !== value) onComplete(next);
  }

  function handlePaste(event: ClipboardEvent<HTMLInputElement>) {
    onPaste?.(event);
    if (event.defaultPrevented) return;
    const pasted = event.clipboardData.getData('text');
    if (!pasted) return;
    // Handled here because maxLength would cut "123 456" to "123 45" before the spaces go.
    event.preventDefault();
    const field = event.currentTarget;
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? field.value.length;
    change(onlyDigits(field.value.slice(0, start) + pasted + field.value.slice(end), length));
  }

  return (
    <FormField label={label} hint={hint} error={error} id={id}>
      {(control) => (
        <input
          {...input}
          {...control}
          className={['input', 'input--otp', className].filter(Boolean).join(' ')}
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]*"
          maxLength={length}
          spellCheck={false}
          autoCorrect="off"
          autoCapitalize="off"
          value={value}
          onChange={(event) => change(onlyDigits(event.target.value, length))}
          onPaste={handlePaste}
        />
      )}
    </FormField>
  );
}
