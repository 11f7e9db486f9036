import { SetupWizard } from '../../features/mfa-setup/components/setup-wizard';
import { RequireSession } from './auth-redirects';

export function SetupPage() {
  return (
    <div className="page page--wide stack">
      {/* The wizard names the page: "Add a two-factor method" once two-factor is on. */}
      <RequireSession>
        {(data) => (
          <SetupWizard email={data.user.email} enrollOnly={data.session.scope === 'enroll_only'} />
        )}
      </RequireSession>
    </div>
  );
}
