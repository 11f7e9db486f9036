import { Card } from '../../components/ui/card';
import { ForgotPasswordForm } from '../../features/auth/components/forgot-password-form';

export function ForgotPasswordPage() {
  return (
    <div className="page">
      <title>Reset password · Twofold</title>
      <Card>
        <ForgotPasswordForm />
      </Card>
    </div>
  );
}
