import { useState } from 'react';
import type { ActiveSession } from '@twofold/mfa-core/contracts';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { useToast } from '../../../components/ui/toast';
import { formatDateTime } from '../../../lib/format';
import { useSessions } from '../api/get-sessions';
import { useRevokeOtherSessions } from '../api/revoke-other-sessions';
import { useRevokeSession } from '../api/revoke-session';
import { describeUserAgent } from '../../../lib/user-agent';
import { ConfirmDialog } from './confirm-dialog';

type Pending = { kind: 'one'; session: ActiveSession } | { kind: 'others' } | null;

export function SessionsCard() {
  const sessions = useSessions();
  const [pending, setPending] = useState<Pending>(null);
  const revokeOne = useRevokeSession();
  const revokeOthers = useRevokeOtherSessions();
  const toast = useToast();
  const mutation = pending?.kind === 'others' ? revokeOthers : revokeOne;
  const list = sessions.data?.sessions ?? [];
  const others = list.filter((session) => !session.current).length;

  function close() {
    setPending(null);
    revokeOne.reset();
    revokeOthers.reset();
  }

  function confirm() {
    if (pending?.kind === 'one') {
      revokeOne.mutate(pending.session.id, {
        onSuccess: () => {
          close();
          toast.show(`${describeUserAgent(pending.session.userAgent)} is signed out.`, 'success');
        },
      });
    } else if (pending?.kind === 'others') {
      revokeOthers.mutate(undefined, {
        onSuccess: (result) => {
          close();
          toast.show(
            result.revoked === 1
              ? 'Signed out 1 other session.'
              : `Signed out ${result.revoked} other sessions.`,
            'success',
          );
        },
      });
    }
  }

  return (
    <Card
      level={2}
      title="Active sessions"
      description="Where your account is signed in right now."
    >
      {sessions.isPending ? (
        <p className="page-status" role="status">
          Loading sessions…
        </p>
      ) : sessions.error ? (
        <>
          <ErrorAlert error={sessions.error} title="Could not load your sessions" />
          <div>
            <Button variant="secondary" onClick={() => void sessions.refetch()}>
              Try again
            </Button>
          </div>
        </>
      ) : (
        <>
          <ul className="security-list" aria-label="Active sessions">
            {list.map((session) => {
              const name = describeUserAgent(session.userAgent);
              return (
                <li key={session.id} className="security-item">
                  <div className="security-item__main">
                    <span className="security-item__title">
                      {name}
                      {session.current && <span className="badge badge--on">This session</span>}
                    </span>
                    <dl className="security-item__meta">
                      <div>
                        <dt>IP</dt>
                        <dd>{session.ip ?? 'unknown'}</dd>
                      </div>
                      <div>
                        <dt>Signed in</dt>
                        <dd>{formatDateTime(session.createdAt)}</dd>
                      </div>
                      <div>
                        <dt>Last active</dt>
                        <dd>{formatDateTime(session.lastSeenAt)}</dd>
                      </div>
                    </dl>
                  </div>
                  {!session.current && (
                    <Button
                      variant="secondary"
                      aria-label={`Revoke ${name} session, signed in ${formatDateTime(session.createdAt)}`}
                      onClick={() => setPending({ kind: 'one', session })}
                    >
                      Revoke
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
          {others > 0 && (
            <div className="security-card-actions">
              <Button
                variant="secondary"
                className="security-danger"
                onClick={() => setPending({ kind: 'others' })}
              >
                Sign out all other sessions
              </Button>
            </div>
          )}
        </>
      )}

      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === 'others' ? 'Sign out all other sessions?' : 'Revoke this session?'}
        description={
          pending?.kind === 'one'
            ? `${describeUserAgent(pending.session.userAgent)} (${pending.session.ip ?? 'unknown IP'}) will be signed out at once.`
            : 'Every other browser and device will be signed out at once. This session stays signed in.'
        }
        confirmLabel={pending?.kind === 'others' ? 'Sign out other sessions' : 'Revoke session'}
        pendingLabel="Signing out…"
        pending={mutation.isPending}
        error={mutation.error}
        onConfirm={confirm}
        onClose={close}
      />
    </Card>
  );
}
