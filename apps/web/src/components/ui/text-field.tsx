import type { InputHTMLAttributes, ReactNode } from 'react';
import { FormField } from './form-field';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  labelAside?: ReactNode;
  id?: string;
}

export function TextField({
  label,
  hint,
  error,
  labelAside,
  id,
  className,
  ...input
}: TextFieldProps) {
  return (
    <FormField label={label} hint={hint} error={error} labelAside={labelAside} id={id}>
      {(control) => (
        <input {...input} {...control} className={['input', className].filter(Boolean).join(' ')} />
      )}
    </FormField>
  );
}
