import { StepUpProvider } from '../../../components/step-up/step-up-provider';
import { PolicyCard } from './policy-card';
import { UsersCard } from './users-card';
import '../admin.css';

/**
 * The admin page: the per-role MFA policy, then everyone's MFA state. Every change asks
 * "Confirm it's you" when the re-authentication window is closed.
 */
export function AdminDashboard({ currentUserId }: { currentUserId?: string }) {
  return (
    <StepUpProvider>
      <div className="stack admin">
        <header>
          <h1 className="page__title">Administration</h1>
          <p className="muted">Two-factor policy and user accounts.</p>
        </header>
        <PolicyCard />
        <UsersCard currentUserId={currentUserId} />
      </div>
    </StepUpProvider>
  );
}
