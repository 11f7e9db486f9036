import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { AppLayout } from './layout';
import { ForgotPasswordPage } from './routes/forgot-password';
import { HomePage } from './routes/home';
import { NotFoundPage } from './routes/not-found';
import { RegisterPage } from './routes/register';
import { ResetPasswordPage } from './routes/reset-password';
import { SignInPage } from './routes/sign-in';

// Pages a signed-out visitor never needs load on demand, so the sign-in page stays small.
const SetupPage = lazy(() => import('./routes/setup').then((m) => ({ default: m.SetupPage })));
const SecuritySettingsPage = lazy(() =>
  import('./routes/security-settings').then((m) => ({ default: m.SecuritySettingsPage })),
);
const AdminPage = lazy(() => import('./routes/admin').then((m) => ({ default: m.AdminPage })));
const DevMailboxPage = lazy(() =>
  import('./routes/dev-mailbox').then((m) => ({ default: m.DevMailboxPage })),
);

/** One place lists every URL. */
export function AppRouter() {
  return (
    <AppLayout>
      <Suspense
        fallback={
          <p className="page-status" role="status">
            Loading…
          </p>
        }
      >
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
      </Suspense>
    </AppLayout>
  );
}
