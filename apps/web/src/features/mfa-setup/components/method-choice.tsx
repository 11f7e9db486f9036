import { useId, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type { FactorType, MfaStatusResponse } from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import type { ApiError } from '../../../lib/api-error';

interface MethodInfo {
  type: FactorType;
  title: string;
  description: string;
  /** Said instead of the description when this method is already on. */
  activeText: string;
  recommended?: boolean;
}

export const METHODS: MethodInfo[] = [
  {
    type: 'totp',
    title: 'Authenticator app',
    description:
      'Get codes from an app such as Google Authenticator, Microsoft Authenticator, 1Password or Authy. Works without a signal.',
    activeText: 'An authenticator app is already set up on your account.',
    recommended: true,
  },
  {
    type: 'email',
    title: 'Email codes',
    description:
      'Get a code by email each time you sign in. Handy as a backup; only as safe as your inbox.',
    activeText: 'Email codes are already on for your account.',
  },
];

export interface MethodChoiceProps {
  status: MfaStatusResponse | undefined;
  statusPending: boolean;
  statusError: ApiError | null;
  onRetryStatus: () => void;
  onChoose: (method: FactorType) => void;
  /** The radio now checked, so the steps ahead can be named after it. */
  onSelect?: (method: FactorType) => void;
  /** The start request in flight, if any. */
  pending: boolean;
  error: ApiError | null;
}

function isActive(status: MfaStatusResponse | undefined, type: FactorType): boolean {
  return Boolean(status?.factors.some((f) => f.type === type && f.status === 'active'));
}

/** Step 1: authenticator app (recommended) or email codes; methods already set up are marked. */
export function MethodChoice({
  status,
  statusPending,
  statusError,
  onRetryStatus,
  onChoose,
  onSelect,
  pending,
  error,
}: MethodChoiceProps) {
  const ids = useId();
  const available = METHODS.filter((m) => !isActive(status, m.type));
  const [choice, setChoice] = useState<FactorType | null>(null);
  const selected = choice ?? available[0]?.type ?? null;

  if (status && available.length === 0) {
    return (
      <Alert tone="success" title="Both methods are already set up">
        Manage them, your backup codes and trusted browsers in{' '}
        <Link href="/settings/security">security settings</Link>.
      </Alert>
    );
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (selected) onChoose(selected);
  }

  return (
    <form className="stack" onSubmit={handleSubmit}>
      {statusPending && (
        <p className="muted" role="status">
          Checking the methods already on your account…
        </p>
      )}
      {statusError && (
        <div className="stack">
          <ErrorAlert error={statusError} title="Could not check your current methods" />
          <div>
            <Button variant="secondary" onClick={onRetryStatus}>
              Try again
            </Button>
          </div>
        </div>
      )}
      <ErrorAlert error={error} />

      <fieldset className="method-choice">
        <legend className="field__label">How do you want to get your codes?</legend>
        {METHODS.map((method) => {
          const active = isActive(status, method.type);
          const titleId = `${ids}-${method.type}-title`;
          const descriptionId = `${ids}-${method.type}-description`;
          return (
            <label
              key={method.type}
              className={active ? 'method-option method-option--disabled' : 'method-option'}
            >
              <input
                type="radio"
                name="method"
                value={method.type}
                checked={selected === method.type}
                disabled={active}
                onChange={() => {
                  setChoice(method.type);
                  onSelect?.(method.type);
                }}
                aria-labelledby={titleId}
                aria-describedby={descriptionId}
              />
              <span className="method-option__body">
                <span className="method-option__heading">
                  <span id={titleId} className="method-option__title">
                    {method.title}
                  </span>
                  {method.recommended && <span className="badge badge--on">Recommended</span>}
                  {active && <span className="badge">Already set up</span>}
                </span>
                <span id={descriptionId} className="method-option__description">
                  {active ? method.activeText : method.description}
                </span>
              </span>
            </label>
          );
        })}
      </fieldset>

      <Button type="submit" pending={pending} disabled={!selected}>
        {pending ? 'Starting…' : 'Continue'}
      </Button>
    </form>
  );
}
