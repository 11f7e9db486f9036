import { useState } from 'react';
import { Link } from 'wouter';
import type { Factor, MfaStatusResponse } from '@twofold/mfa-core/contracts';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { useToast } from '../../../components/ui/toast';
import { formatDateTime } from '../../../lib/format';
import { useRemoveFactor } from '../api/remove-factor';
import { methodLabels } from '../../../components/step-up/factor-wording';
import { ConfirmDialog } from './confirm-dialog';
import { DisableMfaDialog } from './disable-mfa-dialog';

const FACTOR_TYPES = ['totp', 'email'] as const;

export function TwoFactorCard({ status }: { status: MfaStatusResponse }) {
  const active = status.factors.filter((factor) => factor.status === 'active');
  const missing = FACTOR_TYPES.filter((type) => !active.some((factor) => factor.type === type));
  const { policy } = status;
  const [removing, setRemoving] = useState<Factor | null>(null);
  const [disabling, setDisabling] = useState(false);
  const remove = useRemoveFactor();
  const toast = useToast();
  const removingLast = removing !== null && active.length === 1;
  // Removing the only method turns two-factor off, and the API asks for it what turning off
  // asks (a current code unless the identity check is minutes old): the turn-off dialog does
  // that. Under a policy the API refuses either way, and the plain dialog shows its reason.
  const [removingOnly, setRemovingOnly] = useState<Factor | null>(null);

  function startRemove(factor: Factor) {
    if (active.length === 1 && !policy.required) setRemovingOnly(factor);
    else setRemoving(factor);
  }

  function closeRemove() {
    setRemoving(null);
    remove.reset();
  }

  function confirmRemove() {
    if (!removing) return;
    const label = methodLabels[removing.type];
    remove.mutate(removing.id, {
      onSuccess: () => {
        setRemoving(null);
        toast.show(
          removingLast ? 'Two-factor authentication is off.' : `${label} removed.`,
          'success',
        );
      },
    });
  }

  return (
    <Card
      level={2}
      title="Two-factor authentication"
      description="A second step at sign-in keeps your account safe even if your password leaks."
    >
      <div className="row">
        <span className={status.enabled ? 'badge badge--on' : 'badge'}>
          {status.enabled ? 'On' : 'Off'}
        </span>
        {policy.required && policy.status !== 'grace' && (
          <span className="muted">Required by your organisation.</span>
        )}
      </div>

      {policy.required && policy.status === 'grace' && (
        <Alert tone="warning" title="Your organisation requires two-factor authentication">
          {policy.graceEndsAt
            ? `Turn it on before ${formatDateTime(policy.graceEndsAt)}. After that you will have to set it up before you can use your account.`
            : 'Turn it on to keep using your account.'}
        </Alert>
      )}

      {active.length > 0 && (
        <ul className="security-list" aria-label="Your two-factor methods">
          {active.map((factor) => (
            <li key={factor.id} className="security-item">
              <div className="security-item__main">
                <span className="security-item__title">{methodLabels[factor.type]}</span>
                <dl className="security-item__meta">
                  <div>
                    <dt>Added</dt>
                    <dd>{formatDateTime(factor.confirmedAt ?? factor.createdAt)}</dd>
                  </div>
                  <div>
                    <dt>Last used</dt>
                    <dd>{factor.lastUsedAt ? formatDateTime(factor.lastUsedAt) : 'Never'}</dd>
                  </div>
                </dl>
              </div>
              <Button
                variant="secondary"
                aria-label={`Remove ${methodLabels[factor.type]}`}
                onClick={() => startRemove(factor)}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}

      {(missing.length > 0 || status.enabled) && (
        <div className="security-card-actions">
          {missing.length > 0 && (
            <Link
              href="/setup"
              className={status.enabled ? 'btn btn--secondary' : 'btn btn--primary'}
            >
              {status.enabled ? 'Add a method' : 'Turn on two-factor authentication'}
            </Link>
          )}
          {status.enabled && !policy.required && (
            <Button
              variant="secondary"
              className="security-danger"
              onClick={() => setDisabling(true)}
            >
              Turn off two-factor authentication
            </Button>
          )}
        </div>
      )}

      <ConfirmDialog
        open={removing !== null}
        title={removing ? `Remove ${methodLabels[removing.type].toLowerCase()}?` : 'Remove method?'}
        description={
          removingLast
            ? 'This is your only method, so two-factor authentication will be turned off: your backup codes and trusted browsers go with it, and your other sessions are signed out.'
            : 'You will no longer be able to sign in with it. Your other sessions will be signed out.'
        }
        confirmLabel="Remove"
        pendingLabel="Removing…"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={confirmRemove}
        onClose={closeRemove}
      />
      <DisableMfaDialog
        open={removingOnly !== null}
        status={status}
        title={
          removingOnly
            ? `Remove ${methodLabels[removingOnly.type].toLowerCase()}?`
            : 'Remove method?'
        }
        description="This is your only method, so two-factor authentication will be turned off: your backup codes and trusted browsers go with it, and your other sessions are signed out."
        confirmLabel="Remove"
        onClose={() => setRemovingOnly(null)}
        onDisabled={() => {
          setRemovingOnly(null);
          toast.show('Two-factor authentication is off.', 'success');
        }}
      />
      <DisableMfaDialog
        open={disabling}
        status={status}
        onClose={() => setDisabling(false)}
        onDisabled={() => {
          setDisabling(false);
          toast.show('Two-factor authentication is off.', 'success');
        }}
      />
    </Card>
  );
}
