import { useLocation } from 'wouter';
import { Card } from '../../components/ui/card';
import { SignInForm } from '../../features/auth/components/sign-in-form';
import { RedirectIfSignedIn, useReturnTo } from './auth-redirects';

export function SignInPage() {
  const [, navigate] = useLocation();
  const returnTo = useReturnTo();
  return (
    <div className="page">
      <title>Sign in · Twofold</title>
      <RedirectIfSignedIn>
        <Card>
          <SignInForm
            onAuthenticated={() => navigate(returnTo, { replace: true })}
            onSetupRequired={() => navigate('/setup', { replace: true })}
          />
        </Card>
      </RedirectIfSignedIn>
    </div>
  );
}
