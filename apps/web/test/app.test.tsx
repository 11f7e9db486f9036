import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRouter } from '../src/app/router';
import { ToastProvider, useToast } from '../src/components/ui/toast';
import type { Factor } from '@twofold/mfa-core/contracts';
import {
  activeFactor,
  callsTo,
  mfaStatusReply,
  mockApi,
  renderWithProviders,
  testUser,
} from './utils';

const signedOut = {
  status: 401,
  body: { code: 'UNAUTHENTICATED', message: 'Please sign in to continue.' },
};
const signedIn = {
  body: {
    user: { ...testUser, mfaGraceEndsAt: null },
    session: {
      id: '0d1f8e0e-64a4-4b8c-a4c7-3a3b2f1a0c55',
      aal: 1,
      amr: ['pwd'],
      scope: 'full',
      createdAt: '2025-01-01T10:00:00.000Z',
      reauthenticatedAt: null,
    },
  },
};

/** The security settings page's other reads: no other sessions, an empty timeline. */
const settingsLists = {
  'GET /api/sessions': { body: { sessions: [] } },
  'GET /api/security/events?limit=20': { body: { events: [], nextCursor: null } },
};

describe('app routes', () => {
  it('sends a signed-out visitor from / to the sign-in page', async () => {
    mockApi({ 'GET /api/auth/session': signedOut });
    const { location } = renderWithProviders(<AppRouter />, { path: '/' });

    expect(await screen.findByRole('heading', { name: 'Sign in', level: 1 })).toBeInTheDocument();
    expect(location.history.at(-1)).toBe('/sign-in');
  });

  it('shows the session on / and signs out', async () => {
    const fetchMock = mockApi({
      'GET /api/auth/session': signedIn,
      'POST /api/auth/logout': { body: { status: 'signed_out' } },
    });
    const { user, location } = renderWithProviders(
      <ToastProvider>
        <AppRouter />
      </ToastProvider>,
      { path: '/' },
    );

    expect(await screen.findByRole('heading', { name: 'You are signed in' })).toBeInTheDocument();
    expect(screen.getByText('ada@example.com')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { name: 'Sign in', level: 1 })).toBeInTheDocument();
    expect(location.history.at(-1)).toBe('/sign-in');
    expect(callsTo(fetchMock, 'POST /api/auth/logout')).toHaveLength(1);
  });

  it('prefills the reset form from the link in the email', async () => {
    mockApi({ 'GET /api/auth/session': signedOut });
    // The link's email and code are in the fragment, which only the browser's address bar holds.
    window.history.replaceState(null, '', '/reset-password#email=ada%40example.com&code=123456');
    renderWithProviders(<AppRouter />, { path: '/reset-password' });

    expect(await screen.findByLabelText('Email')).toHaveValue('ada@example.com');
    expect(screen.getByRole('textbox', { name: 'Reset code' })).toHaveValue('123456');
    window.history.replaceState(null, '', '/');
  });

  it('lists a method added in the setup wizard when the settings page is opened again', async () => {
    const emailFactor = activeFactor('email');
    const totpFactor = activeFactor('totp', '9b2f1c3e-5a6d-4e7f-8a9b-0c1d2e3f4a5b');
    const withFactors = (...factors: Factor[]) =>
      mfaStatusReply({ enabled: true, backupCodesRemaining: 10, factors });
    const fetchMock = mockApi({
      'GET /api/auth/session': {
        body: {
          ...signedIn.body,
          user: { ...signedIn.body.user, mfaEnabled: true },
          session: { ...signedIn.body.session, aal: 2, amr: ['pwd', 'email'] },
        },
      },
      // Read by the settings page, then again after the wizard starts and confirms the app.
      'GET /api/mfa': [
        withFactors(emailFactor),
        withFactors(emailFactor),
        withFactors(emailFactor, totpFactor),
      ],
      ...settingsLists,
      'POST /api/mfa/totp': {
        status: 201,
        body: {
          factorId: totpFactor.id,
          secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
          otpauthUri:
            'otpauth://totp/Twofold:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Twofold',
          qrCode: 'data:image/png;base64,iVBORw0KGgo=',
        },
      },
      'POST /api/mfa/totp/confirm': { body: { factor: totpFactor } },
    });
    const { user, location } = renderWithProviders(
      <ToastProvider>
        <AppRouter />
      </ToastProvider>,
      { path: '/settings/security' },
    );

    // Lazy routes: their code loads on first visit, slowly on a busy machine.
    const lazy = { timeout: 5_000 };
    const methods = await screen.findByRole('list', { name: 'Your two-factor methods' }, lazy);
    expect(methods).toHaveTextContent('Email code');
    expect(methods).not.toHaveTextContent('Authenticator app');
    await user.click(screen.getByRole('link', { name: 'Add a method' }));
    await user.click(await screen.findByRole('button', { name: 'Continue' }, lazy));
    // Six digits confirm the method by themselves.
    await user.type(await screen.findByRole('textbox', { name: /code/i }), '123456');

    const updated = await screen.findByRole('list', { name: 'Your two-factor methods' });
    expect(location.history.at(-1)).toBe('/settings/security');
    expect(updated).toHaveTextContent('Authenticator app');
    expect(updated).toHaveTextContent('Email code');
    expect(callsTo(fetchMock, 'POST /api/mfa/totp/confirm')).toHaveLength(1);
  });

  it('shows two-factor as off on the home page right after the last method was removed', async () => {
    const totpFactor = activeFactor('totp', '9b2f1c3e-5a6d-4e7f-8a9b-0c1d2e3f4a5b');
    const session = (mfaEnabled: boolean) => ({
      body: { ...signedIn.body, user: { ...signedIn.body.user, mfaEnabled } },
    });
    mockApi({
      'GET /api/auth/session': [session(true), session(false)],
      'GET /api/mfa': [
        mfaStatusReply({ enabled: true, backupCodesRemaining: 10, factors: [totpFactor] }),
        mfaStatusReply(),
      ],
      ...settingsLists,
      // The only method goes the way turning off goes.
      'POST /api/mfa/disable': { body: { status: 'ok' } },
    });
    const { user } = renderWithProviders(
      <ToastProvider>
        <AppRouter />
      </ToastProvider>,
      { path: '/settings/security' },
    );

    await user.click(await screen.findByRole('button', { name: 'Remove Authenticator app' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove authenticator app?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await screen.findByText('Two-factor authentication is off.');
    await user.click(screen.getByRole('link', { name: /Twofold/ }));

    await screen.findByRole('heading', { name: 'You are signed in' });
    const mfaRow = screen.getByText('Two-factor authentication', { selector: 'dt' });
    expect(mfaRow.nextElementSibling).toHaveTextContent('Off');
  });

  it('says the API cannot be reached, offers Retry, and claims no session in the menu', async () => {
    mockApi({
      // The query retries a dropped connection twice before it gives up.
      'GET /api/auth/session': [
        new TypeError('down'),
        new TypeError('down'),
        new TypeError('down'),
        signedIn,
      ],
      'GET /api/mfa': mfaStatusReply(),
    });
    const { user } = renderWithProviders(
      <ToastProvider>
        <AppRouter />
      </ToastProvider>,
      { path: '/' },
    );

    const heading = await screen.findByRole(
      'heading',
      { name: 'Twofold can’t be reached right now', level: 1 },
      { timeout: 5_000 },
    );
    expect(heading).toBeInTheDocument();
    const menu = screen.getByRole('navigation', { name: 'Main' });
    expect(within(menu).queryByRole('link', { name: 'Sign in' })).not.toBeInTheDocument();
    expect(within(menu).queryByRole('link', { name: 'Create account' })).not.toBeInTheDocument();
    expect(within(menu).getByRole('button', { name: 'Reconnect' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'You are signed in' })).toBeInTheDocument();
    expect(within(menu).getByRole('link', { name: 'Security' })).toBeInTheDocument();
  });

  it('shows a session that can only enroll nothing but set-up and sign-out in the menu', async () => {
    mockApi({
      'GET /api/auth/session': {
        body: { ...signedIn.body, session: { ...signedIn.body.session, scope: 'enroll_only' } },
      },
      'GET /api/mfa': mfaStatusReply({
        policy: { required: true, status: 'enforced', graceEndsAt: null },
      }),
    });
    renderWithProviders(
      <ToastProvider>
        <AppRouter />
      </ToastProvider>,
      { path: '/setup' },
    );

    const menu = screen.getByRole('navigation', { name: 'Main' });
    expect(
      await within(menu).findByRole('link', { name: 'Set up two-factor' }),
    ).toBeInTheDocument();
    expect(within(menu).getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(within(menu).queryByRole('link', { name: 'Account' })).not.toBeInTheDocument();
    expect(within(menu).queryByRole('link', { name: 'Security' })).not.toBeInTheDocument();
  });

  it('tells a failed sign-out in a notice outside the menu', async () => {
    mockApi({
      'GET /api/auth/session': signedIn,
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/auth/logout': new TypeError('down'),
    });
    const { user } = renderWithProviders(
      <ToastProvider>
        <AppRouter />
      </ToastProvider>,
      { path: '/' },
    );

    const menu = screen.getByRole('navigation', { name: 'Main' });
    await user.click(await within(menu).findByRole('button', { name: 'Sign out' }));
    const notices = screen.getByRole('status', { name: 'Notifications' });
    expect(await within(notices).findByText(/^Could not sign out\./)).toBeInTheDocument();
    expect(menu).not.toHaveTextContent(/could not/i);

    await user.click(within(notices).getByRole('button', { name: 'Dismiss notification' }));
    expect(within(notices).queryByText(/^Could not sign out\./)).not.toBeInTheDocument();
  });
});

describe('notices', () => {
  function ShowThree() {
    const toast = useToast();
    return (
      <button
        type="button"
        onClick={() => ['first', 'second', 'third'].forEach((text) => toast.show(text))}
      >
        Notify
      </button>
    );
  }

  it('keeps at most two at once, the newest, in a polite live region', async () => {
    const { user } = renderWithProviders(
      <ToastProvider>
        <ShowThree />
      </ToastProvider>,
    );
    await user.click(screen.getByRole('button', { name: 'Notify' }));

    const notices = screen.getByRole('status', { name: 'Notifications' });
    expect(notices).toHaveAttribute('aria-live', 'polite');
    expect(within(notices).queryByText('first')).not.toBeInTheDocument();
    expect(within(notices).getByText('second')).toBeInTheDocument();
    expect(within(notices).getByText('third')).toBeInTheDocument();
  });
});
