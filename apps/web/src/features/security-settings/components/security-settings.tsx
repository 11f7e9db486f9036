import { Button } from '../../../components/ui/button';
import { ErrorAlert } from '../../../components/ui/error-alert';
import { useMfaStatus } from '../../../api/get-mfa-status';
import '../security-settings.css';
import { BackupCodesCard } from './backup-codes-card';
import { ChangeEmailCard } from './change-email-card';
import { ChangePasswordCard } from './change-password-card';
import { SecurityEventsCard } from './security-events-card';
import { SessionsCard } from './sessions-card';
import { StepUpProvider } from '../../../components/step-up/step-up-provider';
import { TrustedBrowsersCard } from './trusted-browsers-card';
import { TwoFactorCard } from './two-factor-card';

/**
 * The security settings page (factors, backup codes, trusted browsers, sessions, email address,
 * password, timeline) for the signed-in account whose address is `email`.
 */
export function SecuritySettings({ email }: { email: string }) {
  const status = useMfaStatus();

  return (
    <StepUpProvider>
      <h1 className="page__title">Security</h1>
      {status.isPending ? (
        <p className="page-status" role="status">
          Loading two-factor settings…
        </p>
      ) : status.error ? (
        <div className="stack">
          <ErrorAlert error={status.error} title="Could not load your two-factor settings" />
          <div>
            <Button variant="secondary" onClick={() => void status.refetch()}>
              Try again
            </Button>
          </div>
        </div>
      ) : (
        <>
          <TwoFactorCard status={status.data} />
          <BackupCodesCard status={status.data} email={email} />
          <TrustedBrowsersCard devices={status.data.trustedDevices} />
        </>
      )}
      <SessionsCard />
      <ChangeEmailCard currentEmail={email} />
      <ChangePasswordCard />
      <SecurityEventsCard />
    </StepUpProvider>
  );
}
