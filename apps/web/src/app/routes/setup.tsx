import { SetupWizard } from '../../features/mfa-setup/components/setup-wizard';
import { RequireSession } from './auth-redirects';

export function SetupPage() {
  return (
    <div className="page page--wide stack">
      <title>Set up two-factor authentication · Twofold</title>
      <RequireSession>
        {(data) => (
          <SetupWizard email={data.user.email} enrollOnly={data.session.scope === 'enroll_only'} />
        )}
      </RequireSession>
    </div>
  );
}
