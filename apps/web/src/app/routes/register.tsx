import { useLocation } from 'wouter';
import { Card } from '../../components/ui/card';
import { RegisterForm } from '../../features/auth/components/register-form';
import { RedirectIfSignedIn } from './auth-redirects';

export function RegisterPage() {
  const [, navigate] = useLocation();
  return (
    <div className="page">
      <title>Create account · Twofold</title>
      <RedirectIfSignedIn>
        <Card>
          <RegisterForm
            onAuthenticated={() => navigate('/', { replace: true })}
            onSetupRequired={() => navigate('/setup', { replace: true })}
          />
        </Card>
      </RedirectIfSignedIn>
    </div>
  );
}
