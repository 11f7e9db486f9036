import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession } from '../features/auth/api/get-session';
import { SignOutButton } from '../features/auth/components/sign-out-button';

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const [location] = useLocation();
  const current = location === href;
  return (
    <Link
      href={href}
      className={current ? 'nav__link nav__link--current' : 'nav__link'}
      aria-current={current ? 'page' : undefined}
    >
      {children}
    </Link>
  );
}

export function AppLayout({ children }: { children: ReactNode }) {
  const session = useSession();
  const [, navigate] = useLocation();
  const signedIn = Boolean(session.data);
  // The outbox only exists in development; production builds leave the link out.
  const mailboxLink = import.meta.env.DEV && <NavLink href="/dev/mailbox">Dev mailbox</NavLink>;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link href="/" className="brand">
            <span className="brand__mark" aria-hidden="true">
              2
            </span>
            Twofold
          </Link>
          <nav aria-label="Main" className="nav">
            {session.isPending ? (
              mailboxLink
            ) : signedIn ? (
              <>
                <NavLink href="/">Account</NavLink>
                <NavLink href="/settings/security">Security</NavLink>
                {session.data?.user.role === 'admin' && <NavLink href="/admin">Admin</NavLink>}
                {mailboxLink}
                <SignOutButton
                  variant="ghost"
                  onSignedOut={() => navigate('/sign-in', { replace: true })}
                />
              </>
            ) : (
              <>
                <NavLink href="/sign-in">Sign in</NavLink>
                <NavLink href="/register">Create account</NavLink>
                {mailboxLink}
              </>
            )}
          </nav>
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
