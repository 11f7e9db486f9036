import type { AdminUser, PolicyStatus } from '@twofold/mfa-core/contracts';
import { Link } from 'wouter';
import { Button } from '../../../components/ui/button';
import { factorLabels, formatDate, policyStatusLabels } from '../labels';

const statusClass: Record<PolicyStatus, string> = {
  not_required: 'badge',
  satisfied: 'badge badge--on',
  grace: 'badge badge--warning',
  enforced: 'badge badge--danger',
};

export interface UsersTableProps {
  users: readonly AdminUser[];
  currentUserId?: string;
  onViewEvents: (user: AdminUser) => void;
  onResetMfa: (user: AdminUser) => void;
}

/** A table on wide screens; each row becomes a stacked card on phones (see admin.css). */
export function UsersTable({ users, currentUserId, onViewEvents, onResetMfa }: UsersTableProps) {
  return (
    <table className="users-table">
      <caption className="admin-sr-only">Users</caption>
      <thead>
        <tr>
          <th scope="col">Email</th>
          <th scope="col">Role</th>
          <th scope="col">Email verified</th>
          <th scope="col">Two-factor</th>
          <th scope="col">Policy</th>
          <th scope="col">Joined</th>
          <th scope="col">
            <span className="admin-sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id}>
            <th scope="row" className="users-table__email">
              <span className="break-all">{user.email}</span>
              {user.id === currentUserId && <span className="badge users-table__you">You</span>}
            </th>
            <td data-label="Role">{user.role === 'admin' ? 'Admin' : 'User'}</td>
            <td data-label="Email verified">{user.emailVerified ? 'Yes' : 'No'}</td>
            <td data-label="Two-factor">
              <div>
                <span className={user.mfaEnabled ? 'badge badge--on' : 'badge'}>
                  {user.mfaEnabled ? 'On' : 'Off'}
                </span>
                {user.factors.length > 0 && (
                  <span className="users-table__factors muted">
                    {user.factors.map((type) => factorLabels[type]).join(', ')}
                  </span>
                )}
              </div>
            </td>
            <td data-label="Policy">
              <span className={statusClass[user.policyStatus]}>
                {policyStatusLabels[user.policyStatus]}
              </span>
            </td>
            <td data-label="Joined">
              <time dateTime={user.createdAt}>{formatDate(user.createdAt)}</time>
            </td>
            <td className="users-table__actions">
              <div className="users-table__buttons">
                <Button variant="secondary" onClick={() => onViewEvents(user)}>
                  View events<span className="admin-sr-only"> for {user.email}</span>
                </Button>
                {user.id === currentUserId ? (
                  // An admin's own two-factor follows the same rules as anyone's (step-up, a
                  // current code, the role's policy): the API refuses it here, so it is not offered.
                  <Link href="/settings/security" className="btn btn--secondary">
                    Your security settings
                  </Link>
                ) : (
                  // With two-factor off there is nothing to reset.
                  user.mfaEnabled && (
                    <Button variant="secondary" onClick={() => onResetMfa(user)}>
                      Reset two-factor<span className="admin-sr-only"> for {user.email}</span>
                    </Button>
                  )
                )}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
