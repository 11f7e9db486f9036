import { Link } from 'wouter';
import { Alert } from '../../../components/ui/alert';
import { Card } from '../../../components/ui/card';
import { formatDateTime } from '../../../lib/format';
import { useMfaStatus } from '../../../api/get-mfa-status';
import '../mfa-setup.css';

/**
 * The home page's nudge towards two-factor authentication: a banner with the deadline when the
 * organisation requires it, a gentle suggestion when it is off and optional, nothing otherwise.
 * It stays silent while loading or on error: the page around it says what matters.
 */
export function MfaHomePrompt() {
  const status = useMfaStatus();
  if (!status.data) return null;
  const { enabled, policy } = status.data;

  if (!enabled && policy.required) {
    return (
      <Alert
        tone="warning"
        title={
          policy.status === 'grace' && policy.graceEndsAt
            ? `Your organisation requires two-factor authentication by ${formatDateTime(policy.graceEndsAt)}.`
            : 'Your organisation requires two-factor authentication.'
        }
      >
        <Link href="/setup">Set it up now</Link>
      </Alert>
    );
  }

  if (!enabled) {
    return (
      <Card
        level={2}
        title="Add a second step to your sign-in"
        description="With two-factor authentication, a stolen password is not enough to get into your account. It takes about two minutes."
      >
        <div className="mfa-prompt__actions">
          <Link href="/setup" className="btn btn--primary">
            Set up two-factor authentication
          </Link>
        </div>
      </Card>
    );
  }

  return null;
}
