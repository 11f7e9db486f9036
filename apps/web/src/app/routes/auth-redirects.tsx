import type { ReactNode } from 'react';
import { Redirect, useLocation, useSearch } from 'wouter';
import type { SessionResponse } from '@twofold/mfa-core/contracts';
import { Button } from '../../components/ui/button';
import { Card } from '../../components/ui/card';
import { useSession } from '../../features/auth/api/get-session';
import type { ApiError } from '../../lib/api-error';
import { errorMessage } from '../../lib/error-messages';

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

/**
 * The session could not be checked (the API is down or restarting): say so plainly, offer a
 * retry, and keep the page's place so it carries on once the API answers (the header asks again
 * every few seconds, and when the tab regains focus).
 */
function SessionUnavailable({
  error,
  retrying,
  onRetry,
}: {
  error: ApiError;
  retrying: boolean;
  onRetry: () => void;
}) {
  const unreachable = error.code === 'NETWORK_ERROR' || error.status >= 500;
  return (
    <Card
      title={unreachable ? 'Twofold can’t be reached right now' : 'Could not check your session'}
      description={errorMessage(error)}
    >
      <p className="muted">
        Nothing you saved is lost. This page tries again every few seconds and carries on by itself
        once the connection is back.
      </p>
      <div>
        <Button onClick={onRetry} pending={retrying}>
          Retry
        </Button>
      </div>
    </Card>
  );
}

/** Renders its children with the session, or sends a signed-out visitor to /sign-in?next=… */
export function RequireSession({ children }: { children: (data: SessionResponse) => ReactNode }) {
  const session = useSession();
  const [location] = useLocation();
  const search = useSearch();

  if (session.isPending) return <PageStatus>Loading your session…</PageStatus>;
  // A failed re-check keeps the session it had: only an unknown one stops the page.
  if (session.data === undefined && session.error) {
    return (
      <SessionUnavailable
        error={session.error}
        retrying={session.isFetching}
        onRetry={() => void session.refetch()}
      />
    );
  }
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
