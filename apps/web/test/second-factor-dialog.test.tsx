import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { MfaMethod } from '@twofold/mfa-core/contracts';
import { describe, expect, it, vi } from 'vitest';
import { Route, Switch } from 'wouter';
import { SignInPage } from '../src/app/routes/sign-in';
import { SignInForm } from '../src/features/auth/components/sign-in-form';
import { callsTo, inSeconds, mockApi, renderWithProviders, testUser, type Reply } from './utils';

const signedOut = { status: 401, body: { code: 'UNAUTHENTICATED', message: 'Please sign in.' } };
const authenticated = { body: { status: 'authenticated', user: testUser } };

function mfaRequired(methods: MfaMethod[] = ['totp', 'backup_code']): Reply {
  return { body: { status: 'mfa_required', methods, expiresAt: inSeconds(300) } };
}

/** Signs in with a password the API answers with mfa_required; resolves with the open dialog. */
async function openDialog(routes: Parameters<typeof mockApi>[0] = {}) {
  const fetchMock = mockApi({
    'POST /api/auth/login': mfaRequired(),
    'GET /api/auth/session': signedOut,
    ...routes,
  });
  const onAuthenticated = vi.fn();
  const onSetupRequired = vi.fn();
  const rendered = renderWithProviders(
    <SignInForm onAuthenticated={onAuthenticated} onSetupRequired={onSetupRequired} />,
  );
  const { user } = rendered;
  await user.type(screen.getByLabelText('Email'), 'ada@example.com');
  await user.type(screen.getByLabelText('Password'), 'correct horse battery');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  const dialog = await screen.findByRole('dialog', { name: 'Two-factor authentication' });
  const code = within(dialog).getByRole('textbox', { name: 'Authentication code' });
  return { ...rendered, fetchMock, onAuthenticated, onSetupRequired, dialog, code };
}

const verifyCalls = (fetchMock: ReturnType<typeof mockApi>) =>
  callsTo(fetchMock, 'POST /api/auth/mfa/verify').map((call) => call.body);

describe('Second factor dialog', () => {
  it('opens on mfa_required, titled, with the expiry and focus in the code field', async () => {
    const { dialog, code } = await openDialog();

    expect(dialog).toHaveAccessibleDescription(
      'Enter the 6-digit code from your authenticator app.',
    );
    expect(within(dialog).getByText(/This sign-in attempt expires in/)).toHaveTextContent(
      /expires in (5:00|4:59)$/,
    );
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    expect(code).toHaveAttribute('inputmode', 'numeric');
    await waitFor(() => expect(code).toHaveFocus());
  });

  it('closes on Esc and puts focus back in the password field', async () => {
    const { dialog } = await openDialog();

    // What a browser does when Esc is pressed in a modal <dialog>.
    fireEvent(dialog, new Event('cancel', { cancelable: true }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByLabelText('Password')).toHaveFocus();
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
  });

  it('submits six typed digits on its own and signs in', async () => {
    const { user, code, fetchMock, onAuthenticated } = await openDialog({
      'POST /api/auth/mfa/verify': authenticated,
    });

    await user.type(code, '123456');

    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalledWith(testUser));
    expect(verifyCalls(fetchMock)).toEqual([{ method: 'totp', code: '123456' }]);
  });

  it('submits a pasted "123 456" as 123456', async () => {
    const { user, code, fetchMock, onAuthenticated } = await openDialog({
      'POST /api/auth/mfa/verify': authenticated,
    });

    await user.click(code);
    await user.paste('123 456');

    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalled());
    expect(verifyCalls(fetchMock)).toEqual([{ method: 'totp', code: '123456' }]);
  });

  it('sends trustDevice when "Trust this browser for 30 days" is ticked', async () => {
    const { user, code, fetchMock, onAuthenticated } = await openDialog({
      'POST /api/auth/mfa/verify': authenticated,
    });

    await user.click(screen.getByRole('checkbox', { name: 'Trust this browser for 30 days' }));
    await user.type(code, '654321');

    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalled());
    expect(verifyCalls(fetchMock)).toEqual([{ method: 'totp', code: '654321', trustDevice: true }]);
  });

  it('shows a wrong code with the attempts left, then clears and refocuses the field', async () => {
    const { user, code, onAuthenticated } = await openDialog({
      'POST /api/auth/mfa/verify': {
        status: 400,
        body: { code: 'INVALID_CODE', message: 'That code is not valid.', attemptsLeft: 3 },
      },
    });

    await user.type(code, '000000');

    await waitFor(() => expect(code).toHaveAttribute('aria-invalid', 'true'));
    expect(code).toHaveAccessibleDescription(/That code is not right\..*3 attempts left\./);
    expect(code).toHaveValue('');
    expect(code).toHaveFocus();
    expect(onAuthenticated).not.toHaveBeenCalled();
  });

  it('asks for all six digits when Verify is pressed early, without asking the server', async () => {
    const { user, code, fetchMock } = await openDialog();

    await user.type(code, '123');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(code).toHaveAttribute('aria-invalid', 'true');
    expect(code).toHaveAccessibleDescription('Enter the 6-digit code.');
    expect(code).toHaveFocus();
    expect(verifyCalls(fetchMock)).toHaveLength(0);
  });

  it('drops the wrong-code message as soon as the code is edited', async () => {
    const { user, code } = await openDialog({
      'POST /api/auth/mfa/verify': {
        status: 400,
        body: { code: 'INVALID_CODE', message: 'That code is not valid.', attemptsLeft: 3 },
      },
    });

    await user.type(code, '000000');
    await waitFor(() => expect(code).toHaveAttribute('aria-invalid', 'true'));
    await user.type(code, '1');

    expect(code).not.toHaveAttribute('aria-invalid');
    expect(code).not.toHaveAccessibleDescription(/That code is not right/);
  });

  it('asks for the current code when an authenticator code has expired', async () => {
    const { user, code } = await openDialog({
      'POST /api/auth/mfa/verify': {
        status: 400,
        body: { code: 'CODE_EXPIRED', message: 'That code has expired.' },
      },
    });

    await user.type(code, '121212');

    await waitFor(() =>
      expect(code).toHaveAccessibleDescription('That code has expired. Enter the current one.'),
    );
  });

  it('says to wait for the next code when this one was already used', async () => {
    const { user, code } = await openDialog({
      'POST /api/auth/mfa/verify': {
        status: 400,
        body: { code: 'CODE_ALREADY_USED', message: 'That code has already been used.' },
      },
    });

    await user.type(code, '111111');

    await waitFor(() =>
      expect(code).toHaveAccessibleDescription(
        'This code was already used. Wait for the next one.',
      ),
    );
  });

  it('shows how long to wait when MFA is locked, with the field disabled', async () => {
    const { user, code, fetchMock } = await openDialog({
      'POST /api/auth/mfa/verify': {
        status: 429,
        body: { code: 'MFA_LOCKED', message: 'Too many wrong codes.', retryAfter: 90 },
      },
    });

    await user.type(code, '222222');

    await waitFor(() =>
      expect(code).toHaveAccessibleDescription(/^Too many wrong codes\. Try again in 1:(30|29)\.$/),
    );
    expect(code).toBeDisabled();
    expect(code).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Verify' })).toBeDisabled();
    expect(verifyCalls(fetchMock)).toHaveLength(1);
  });

  it('points to an administrator, not a password reset, when the lock has no end', async () => {
    const { user, code } = await openDialog({
      'POST /api/auth/mfa/verify': {
        status: 429,
        body: { code: 'MFA_LOCKED', message: 'Second-factor sign-in is locked.' },
      },
    });

    await user.type(code, '333333');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Two-factor sign-in is locked');
    expect(alert).toHaveTextContent('Ask an administrator to unlock your account');
    expect(alert).toHaveTextContent('a password reset does not unlock it');
    expect(within(alert).queryByRole('link', { name: 'Reset your password' })).toBeNull();
    expect(code).toBeDisabled();
  });

  it('keeps the code and offers Retry when the server cannot be reached', async () => {
    const { user, code, fetchMock, onAuthenticated } = await openDialog({
      'POST /api/auth/mfa/verify': [new TypeError('Failed to fetch'), authenticated],
    });

    await user.type(code, '444444');

    expect(await screen.findByRole('alert')).toHaveTextContent('Could not reach the server');
    expect(code).toHaveValue('444444');
    await user.click(screen.getByRole('button', { name: 'Retry' }));

    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalled());
    expect(verifyCalls(fetchMock)).toEqual([
      { method: 'totp', code: '444444' },
      { method: 'totp', code: '444444' },
    ]);
  });

  it('asks to start again when the server says the attempt is over', async () => {
    const { user, code } = await openDialog({
      'POST /api/auth/mfa/verify': {
        status: 401,
        body: { code: 'CHALLENGE_REQUIRED', message: 'Your sign-in attempt has expired.' },
      },
    });

    await user.type(code, '555555');

    expect(await screen.findByText('This sign-in attempt expired')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Start again' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveFocus();
  });

  it('hands over to setup when the verified session may only enroll', async () => {
    const { user, code, onSetupRequired, onAuthenticated } = await openDialog({
      'POST /api/auth/mfa/verify': {
        body: {
          status: 'mfa_setup_required',
          user: testUser,
          graceEndedAt: inSeconds(-60),
        },
      },
    });

    await user.type(code, '666666');

    await vi.waitFor(() => expect(onSetupRequired).toHaveBeenCalled());
    expect(onAuthenticated).not.toHaveBeenCalled();
  });

  it('lands on `next` after a correct code', async () => {
    const fetchMock = mockApi({
      'POST /api/auth/login': mfaRequired(),
      'POST /api/auth/mfa/verify': authenticated,
      'GET /api/auth/session': [
        signedOut,
        {
          body: {
            user: { ...testUser, mfaEnabled: true, mfaGraceEndsAt: null },
            session: {
              id: 's1',
              aal: 2,
              amr: ['pwd', 'otp'],
              scope: 'full',
              createdAt: inSeconds(0),
              reauthenticatedAt: null,
            },
          },
        },
      ],
    });
    const { user, location } = renderWithProviders(
      <Switch>
        <Route path="/sign-in" component={SignInPage} />
        <Route>Somewhere else</Route>
      </Switch>,
      { path: '/sign-in?next=/settings/security' },
    );

    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const dialog = await screen.findByRole('dialog', { name: 'Two-factor authentication' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Authentication code' }), '777777');

    await waitFor(() => expect(location.history.at(-1)).toBe('/settings/security'));
    expect(callsTo(fetchMock, 'POST /api/auth/mfa/verify')).toHaveLength(1);
  });
});
