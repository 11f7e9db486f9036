import { SecuritySettings } from '../../features/security-settings/components/security-settings';
import { RequireSession } from './auth-redirects';

export function SecuritySettingsPage() {
  return (
    <div className="page page--wide stack">
      <title>Security · Twofold</title>
      <RequireSession>
        {(session) => <SecuritySettings email={session.user.email} />}
      </RequireSession>
    </div>
  );
}
