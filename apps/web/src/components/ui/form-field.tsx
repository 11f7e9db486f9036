import { useId, useState, type FormEvent, type ReactNode } from 'react';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Props a field hands to its control so the label, hint and error are announced with it. */
export interface FieldControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  /** The browser found the value invalid on submit: say so in the page, not in its bubble. */
  onInvalid: (event: FormEvent<Control>) => void;
}

export interface FormFieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  /** Extra content on the label row, e.g. a "Forgot password?" link. */
  labelAside?: ReactNode;
  id?: string;
  children: (control: FieldControlProps) => ReactNode;
}

/** The page's own sentence for a value the browser's constraint check refused. */
export function validityMessage(control: Control): string {
  const { validity } = control;
  const label = control.labels?.[0]?.textContent?.trim() || 'This field';
  if (validity.valueMissing) return `${label} is required.`;
  if (validity.typeMismatch && control.type === 'email') {
    return 'Enter an email address like name@example.com.';
  }
  if (validity.tooShort && 'minLength' in control) {
    return `Use at least ${control.minLength} characters (now ${control.value.length}).`;
  }
  if (validity.tooLong && 'maxLength' in control) {
    return `Use at most ${control.maxLength} characters.`;
  }
  return control.validationMessage;
}

/** The first control of the form the browser would complain about, in page order. */
function firstInvalid(control: Control): Element | undefined {
  const form = control.form;
  if (!form) return control;
  return [...form.elements].find(
    (element) =>
      'validity' in element &&
      (element as Control).willValidate &&
      !(element as Control).validity.valid,
  );
}

/**
 * A labelled control with its hint and error. When a submit meets a value the browser refuses
 * (empty required field, malformed email, too short), the field cancels the browser's bubble and
 * shows the reason as its own error text, linked by aria-describedby, and the first such field
 * takes focus. Typing clears it. Forms keep their `required`, `type` and `minLength` attributes.
 */
export function FormField({ label, hint, error, labelAside, id, children }: FormFieldProps) {
  const generated = useId();
  const [invalidMessage, setInvalidMessage] = useState<string | null>(null);
  const controlId = id ?? `field-${generated}`;
  // The refusal of this very submit is fresher than an answer to an earlier one.
  const shownError = invalidMessage ?? error;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = shownError ? `${controlId}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;

  function handleInvalid(event: FormEvent<Control>) {
    event.preventDefault();
    const control = event.currentTarget;
    setInvalidMessage(validityMessage(control));
    if (firstInvalid(control) === control) control.focus();
  }

  return (
    <div
      className={shownError ? 'field field--invalid' : 'field'}
      onInput={() => setInvalidMessage(null)}
    >
      <div className="field__label-row">
        <label className="field__label" htmlFor={controlId}>
          {label}
        </label>
        {labelAside}
      </div>
      {children({
        id: controlId,
        'aria-invalid': shownError ? true : undefined,
        'aria-describedby': describedBy,
        onInvalid: handleInvalid,
      })}
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {shownError && (
        <p className="field__error" id={errorId}>
          {shownError}
        </p>
      )}
    </div>
  );
}
