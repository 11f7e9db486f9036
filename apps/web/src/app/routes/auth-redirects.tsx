import type { ReactNode } from 'react';
import { Redirect, useLocation, useSearch } from 'wouter';
import type { SessionResponse } from '@twofold/mfa-core/contracts';
import { ErrorAlert } from '../../components/ui/error-alert';
import { useSession } from '../../features/auth/api/get-session';

/** Where to go after signing in: the page that sent the user to /sign-in, if it is one of ours. */
export function useReturnTo(): string {
  const next = new URLSearchParams(useSearch()).get('next');
  // Only same-app paths: "//evil.example" or "https://…" would be an open redirect.
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function PageStatus({ children }: { children: ReactNode }) {
  return (
    <p className="page-status" role="status">
      {children}
    </p>
  );
}

/** Renders its children with the session, or sends a signed-out visitor to /sign-in?next=… */
export function RequireSession({ children }: { children: (data: SessionResponse) => ReactNode }) {
  const session = useSession();
  const [location] = useLocation();
  const search = useSearch();

  if (session.isPending) return <PageStatus>Loading your session…</PageStatus>;
  if (session.error)
    return <ErrorAlert error={session.error} title="Could not check your session" />;
  if (!session.data) {
    const next = location + (search ? `?${search}` : '');
    const query = next === '/' ? '' : `?${new URLSearchParams({ next }).toString()}`;
    return <Redirect to={`/sign-in${query}`} replace />;
  }
  // Policy requires MFA and the grace period is over: the session can only enroll.
  if (session.data.session.scope === 'enroll_only' && location !== '/setup') {
    return <Redirect to="/setup" replace />;
  }
  return children(session.data);
}

/** Pages for signed-out visitors (sign-in, register) move a signed-in user on. */
export function RedirectIfSignedIn({ children }: { children: ReactNode }) {
  const session = useSession();
  const returnTo = useReturnTo();
  if (session.data) return <Redirect to={returnTo} replace />;
  return children;
}
