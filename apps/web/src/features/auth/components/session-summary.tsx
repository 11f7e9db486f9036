import type { SessionResponse } from '@twofold/mfa-core/contracts';
import { Card } from '../../../components/ui/card';
import { describeAuthMethods } from '../../../lib/auth-methods';
import { formatDateTime } from '../../../lib/format';

export function SessionSummary({ data }: { data: SessionResponse }) {
  const { user, session } = data;
  return (
    <>
      <Card title="You are signed in" description={<span className="break-all">{user.email}</span>}>
        <dl className="details">
          <div>
            <dt>Email</dt>
            <dd>{user.emailVerified ? 'Verified' : 'Not verified'}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>{user.role === 'admin' ? 'Administrator' : 'User'}</dd>
          </div>
          <div>
            <dt>Two-factor authentication</dt>
            <dd>
              <span className={user.mfaEnabled ? 'badge badge--on' : 'badge'}>
                {user.mfaEnabled ? 'On' : 'Off'}
              </span>
            </dd>
          </div>
          {user.mfaGraceEndsAt && (
            <div>
              <dt>Two-factor required by</dt>
              <dd>{formatDateTime(user.mfaGraceEndsAt)}</dd>
            </div>
          )}
        </dl>
      </Card>

      <Card title="This session" level={2}>
        <dl className="details">
          <div>
            <dt>Signed in</dt>
            <dd>{formatDateTime(session.createdAt)}</dd>
          </div>
          <div>
            <dt>Verified with</dt>
            <dd>{describeAuthMethods(session.amr) || '—'}</dd>
          </div>
          <div>
            <dt>Sign-in steps</dt>
            <dd>{session.aal === 2 ? 'Two: password and a second step' : 'One: password only'}</dd>
          </div>
          <div>
            <dt>Last identity check</dt>
            <dd>
              {session.reauthenticatedAt ? formatDateTime(session.reauthenticatedAt) : 'At sign-in'}
            </dd>
          </div>
        </dl>
      </Card>
    </>
  );
}
