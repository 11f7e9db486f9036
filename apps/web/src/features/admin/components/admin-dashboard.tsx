import { PolicyCard } from './policy-card';
import { UsersCard } from './users-card';
import '../admin.css';

/** The admin page: the per-role MFA policy, then everyone's MFA state. */
export function AdminDashboard({ currentUserId }: { currentUserId?: string }) {
  return (
    <div className="stack admin">
      <header>
        <h1 className="page__title">Administration</h1>
        <p className="muted">Two-factor policy and user accounts.</p>
      </header>
      <PolicyCard />
      <UsersCard currentUserId={currentUserId} />
    </div>
  );
}
