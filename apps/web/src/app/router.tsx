import { Route, Switch } from 'wouter';
import { AppLayout } from './layout';
import { AdminPage } from './routes/admin';
import { DevMailboxPage } from './routes/dev-mailbox';
import { ForgotPasswordPage } from './routes/forgot-password';
import { HomePage } from './routes/home';
import { NotFoundPage } from './routes/not-found';
import { RegisterPage } from './routes/register';
import { ResetPasswordPage } from './routes/reset-password';
import { SecuritySettingsPage } from './routes/security-settings';
import { SetupPage } from './routes/setup';
import { SignInPage } from './routes/sign-in';

/** One place lists every URL. */
export function AppRouter() {
  return (
    <AppLayout>
      <Switch>
        <Route path="/" component={HomePage} />
        <Route path="/sign-in" component={SignInPage} />
        <Route path="/register" component={RegisterPage} />
        <Route path="/forgot-password" component={ForgotPasswordPage} />
        <Route path="/reset-password" component={ResetPasswordPage} />
        <Route path="/setup" component={SetupPage} />
        <Route path="/settings/security" component={SecuritySettingsPage} />
        <Route path="/admin" component={AdminPage} />
        <Route path="/dev/mailbox" component={DevMailboxPage} />
        <Route component={NotFoundPage} />
      </Switch>
    </AppLayout>
  );
}
