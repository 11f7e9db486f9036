import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { Button } from '../components/ui/button';
import { sessionQueryOptions } from '../features/auth/api/get-session';
import { SignOutButton } from '../features/auth/components/sign-out-button';

// While the API cannot be reached the session is asked again this often, so the app recovers by
// itself when it is back (TanStack Query also asks again when the tab regains focus).
export const SESSION_RECHECK_MS = 5_000;

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

/** The session as the menu sees it: unknown (loading or unreachable) is not "signed out". */
function useMenuSession() {
  return useQuery({
    ...sessionQueryOptions(),
    refetchInterval: (query) => (query.state.status === 'error' ? SESSION_RECHECK_MS : false),
  });
}

function NavItems({ onSignedOut }: { onSignedOut: () => void }) {
  const session = useMenuSession();
  // The outbox only exists in development; production builds leave the link out.
  const mailboxLink = import.meta.env.DEV && <NavLink href="/dev/mailbox">Dev mailbox</NavLink>;

  if (session.data === undefined) {
    if (session.isPending) return mailboxLink || null;
    // The API did not answer: whether anyone is signed in is unknown, so offer nothing that
    // assumes either; the page explains, and this asks again at once.
    return (
      <>
        <Button
          variant="ghost"
          className="nav__status"
          pending={session.isFetching}
          onClick={() => void session.refetch()}
        >
          <span className="nav__dot" aria-hidden="true" />
          Reconnect
        </Button>
        {mailboxLink}
      </>
    );
  }
  if (session.data === null) {
    return (
      <>
        <NavLink href="/sign-in">Sign in</NavLink>
        <NavLink href="/register">Create account</NavLink>
        {mailboxLink}
      </>
    );
  }
  const signOut = <SignOutButton variant="ghost" onSignedOut={onSignedOut} />;
  // Policy requires two-factor and the grace period is over: the session can only enroll, so
  // the other pages would only send the user back to /setup.
  if (session.data.session.scope === 'enroll_only') {
    return (
      <>
        <NavLink href="/setup">Set up two-factor</NavLink>
        {mailboxLink}
        {signOut}
      </>
    );
  }
  return (
    <>
      <NavLink href="/">Account</NavLink>
      <NavLink href="/settings/security">Security</NavLink>
      {session.data.user.role === 'admin' && <NavLink href="/admin">Admin</NavLink>}
      {mailboxLink}
      {signOut}
    </>
  );
}

export function AppLayout({ children }: { children: ReactNode }) {
  const [location, navigate] = useLocation();
  // The phone menu is open at the page where it was opened: following a link closes it.
  const [openAt, setOpenAt] = useState<string | null>(null);
  const menuOpen = openAt === location;
  const setMenuOpen = (open: boolean) => setOpenAt(open ? location : null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const headerRef = useRef<HTMLDivElement>(null);
  const navId = useId();

  // A click or a focus move outside the header closes it too (disclosure pattern).
  useEffect(() => {
    if (!menuOpen) return;
    const outside = (event: Event) => {
      if (!headerRef.current?.contains(event.target as Node)) setOpenAt(null);
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('focusin', outside);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('focusin', outside);
    };
  }, [menuOpen]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div
          className="site-header__inner"
          ref={headerRef}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && menuOpen) {
              setMenuOpen(false);
              toggleRef.current?.focus();
            }
          }}
        >
          <Link href="/" className="brand">
            <span className="brand__mark" aria-hidden="true">
              2
            </span>
            Twofold
          </Link>
          <button
            ref={toggleRef}
            type="button"
            className="nav-toggle"
            aria-expanded={menuOpen}
            aria-controls={navId}
            onClick={() => setMenuOpen(!menuOpen)}
          >
            <span className="nav-toggle__icon" aria-hidden="true" />
            Menu
          </button>
          <nav id={navId} aria-label="Main" className={menuOpen ? 'nav nav--open' : 'nav'}>
            <NavItems onSignedOut={() => navigate('/sign-in', { replace: true })} />
          </nav>
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
