import { Card } from '../../components/ui/card';
import { ResetPasswordForm } from '../../features/auth/components/reset-password-form';
import { useResetLink } from '../../features/auth/use-reset-link';

export function ResetPasswordPage() {
  // The reset email links here with #email=&code= so the form is ready to submit.
  const link = useResetLink();
  return (
    <div className="page">
      <title>Choose a new password · Twofold</title>
      <Card>
        <ResetPasswordForm defaultEmail={link.email} defaultCode={link.code} />
      </Card>
    </div>
  );
}
