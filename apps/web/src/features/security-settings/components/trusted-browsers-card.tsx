import { useState } from 'react';
import type { TrustedDevice } from '@twofold/mfa-core/contracts';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { useToast } from '../../../components/ui/toast';
import { formatDateTime } from '../../../lib/format';
import { useRevokeAllTrustedDevices } from '../api/revoke-all-trusted-devices';
import { useRevokeTrustedDevice } from '../api/revoke-trusted-device';
import { ConfirmDialog } from './confirm-dialog';

type Pending = { kind: 'one'; device: TrustedDevice } | { kind: 'all' } | null;

export function TrustedBrowsersCard({ devices }: { devices: TrustedDevice[] }) {
  const [pending, setPending] = useState<Pending>(null);
  const revokeOne = useRevokeTrustedDevice();
  const revokeAll = useRevokeAllTrustedDevices();
  const toast = useToast();
  const mutation = pending?.kind === 'all' ? revokeAll : revokeOne;

  function close() {
    setPending(null);
    revokeOne.reset();
    revokeAll.reset();
  }

  function confirm() {
    if (pending?.kind === 'one') {
      revokeOne.mutate(pending.device.id, {
        onSuccess: () => {
          close();
          toast.show(`${pending.device.label} will ask for a second step again.`, 'success');
        },
      });
    } else if (pending?.kind === 'all') {
      revokeAll.mutate(undefined, {
        onSuccess: () => {
          close();
          toast.show('Every browser will ask for a second step again.', 'success');
        },
      });
    }
  }

  return (
    <Card
      level={2}
      title="Trusted browsers"
      description="Browsers where you chose to skip the second step for 30 days."
    >
      {devices.length === 0 ? (
        <p className="muted">No trusted browsers.</p>
      ) : (
        <>
          <ul className="security-list" aria-label="Trusted browsers">
            {devices.map((device) => (
              <li key={device.id} className="security-item">
                <div className="security-item__main">
                  <span className="security-item__title">
                    {device.label}
                    {device.current && <span className="badge badge--on">This browser</span>}
                  </span>
                  <dl className="security-item__meta">
                    <div>
                      <dt>Added</dt>
                      <dd>{formatDateTime(device.createdAt)}</dd>
                    </div>
                    <div>
                      <dt>Last used</dt>
                      <dd>{device.lastUsedAt ? formatDateTime(device.lastUsedAt) : 'Never'}</dd>
                    </div>
                    <div>
                      <dt>Expires</dt>
                      <dd>{formatDateTime(device.expiresAt)}</dd>
                    </div>
                  </dl>
                </div>
                <Button
                  variant="secondary"
                  aria-label={`Revoke ${device.label}${device.current ? ' (this browser)' : ''}`}
                  onClick={() => setPending({ kind: 'one', device })}
                >
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
          <div className="security-card-actions">
            <Button
              variant="secondary"
              className="security-danger"
              onClick={() => setPending({ kind: 'all' })}
            >
              Revoke all
            </Button>
          </div>
        </>
      )}

      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === 'all' ? 'Revoke all trusted browsers?' : 'Revoke this browser?'}
        description={
          pending?.kind === 'one'
            ? `${pending.device.label} will ask for your second factor at its next sign-in.`
            : 'Every browser, this one included, will ask for your second factor at its next sign-in.'
        }
        confirmLabel={pending?.kind === 'all' ? 'Revoke all' : 'Revoke'}
        pendingLabel="Revoking…"
        pending={mutation.isPending}
        error={mutation.error}
        onConfirm={confirm}
        onClose={close}
      />
    </Card>
  );
}
