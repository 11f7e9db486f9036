import { SessionSummary } from '../../features/auth/components/session-summary';
import { RequireSession } from './auth-redirects';

export function HomePage() {
  return (
    <div className="page page--wide stack">
      <title>Your account · Twofold</title>
      <RequireSession>{(data) => <SessionSummary data={data} />}</RequireSession>
    </div>
  );
}
