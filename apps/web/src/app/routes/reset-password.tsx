import { useSearch } from 'wouter';
import { Card } from '../../components/ui/card';
import { ResetPasswordForm } from '../../features/auth/components/reset-password-form';

export function ResetPasswordPage() {
  // The reset email links here with ?email=&code= so the form is ready to submit.
  const params = new URLSearchParams(useSearch());
  return (
    <div className="page">
      <title>Choose a new password · Twofold</title>
      <Card>
        <ResetPasswordForm
          defaultEmail={params.get('email') ?? ''}
          defaultCode={params.get('code') ?? ''}
        />
      </Card>
    </div>
  );
}
