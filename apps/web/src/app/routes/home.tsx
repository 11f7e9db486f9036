import { SessionSummary } from '../../features/auth/components/session-summary';
import { MfaHomePrompt } from '../../features/mfa-setup/components/mfa-home-prompt';
import { RequireSession } from './auth-redirects';

export function HomePage() {
  return (
    <div className="page page--wide stack">
      <title>Your account · Twofold</title>
      <RequireSession>
        {(data) => (
          <>
            <MfaHomePrompt />
            <SessionSummary data={data} />
          </>
        )}
      </RequireSession>
    </div>
  );
}
