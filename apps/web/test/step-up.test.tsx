import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ToastProvider } from '../src/components/ui/toast';
import { SecuritySettings } from '../src/features/security-settings/components/security-settings';
import { callsTo, mockApi, renderWithProviders, testUser } from './utils';

const stepUpRequired = {
  status: 403,
  body: { code: 'STEP_UP_REQUIRED', message: 'Please confirm your identity to continue.' },
};

function mfaStatus(enabled: boolean) {
  return {
    enabled,
    factors: enabled
      ? [
          {
            id: '44444444-4444-4444-8444-444444444444',
            type: 'totp',
            status: 'active',
            createdAt: '2025-03-01T09:00:00.000Z',
            confirmedAt: '2025-03-01T09:01:00.000Z',
            lastUsedAt: null,
          },
        ]
      : [],
    backupCodesRemaining: enabled ? 2 : 0,
    trustedDevices: [],
    policy: { required: false, status: 'not_required', graceEndsAt: null },
  };
}

function session(id: string, current: boolean) {
  return {
    id,
    current,
    aal: 2,
    amr: ['pwd'],
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36',
    createdAt: '2025-03-02T10:00:00.000Z',
    lastSeenAt: '2025-03-02T10:30:00.000Z',
    expiresAt: '2025-03-02T22:00:00.000Z',
  };
}

function routes(enabled: boolean) {
  return {
    'GET /api/mfa': { body: mfaStatus(enabled) },
    'GET /api/sessions': {
      body: {
        sessions: [
          session('11111111-1111-4111-8111-111111111111', true),
          session('22222222-2222-4222-8222-222222222222', false),
        ],
      },
    },
    'GET /api/security/events?limit=20': { body: { events: [], nextCursor: null } },
  };
}

function renderPage() {
  return renderWithProviders(
    <ToastProvider>
      <SecuritySettings email={testUser.email} />
    </ToastProvider>,
  );
}

async function startSignOutOthers(user: ReturnType<typeof renderPage>['user']) {
  await user.click(await screen.findByRole('button', { name: 'Sign out all other sessions' }));
  const confirm = await screen.findByRole('dialog', { name: 'Sign out all other sessions?' });
  await user.click(within(confirm).getByRole('button', { name: 'Sign out other sessions' }));
}

describe('step-up', () => {
  it('re-authenticates with password and code, then retries the original request', async () => {
    const fetchMock = mockApi({
      ...routes(true),
      'DELETE /api/sessions': [stepUpRequired, { body: { revoked: 1 } }],
      'POST /api/auth/reauthenticate': {
        body: {
          reauthenticatedAt: '2025-03-02T10:31:00.000Z',
          expiresAt: '2025-03-02T10:46:00.000Z',
        },
      },
    });
    const { user } = renderPage();

    await startSignOutOthers(user);

    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.type(within(dialog).getByLabelText('Password'), 'correct horse battery');
    const code = within(dialog).getByRole('textbox', { name: 'Authenticator code' });
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    expect(code).toHaveAttribute('inputmode', 'numeric');
    // With the password in, a whole code confirms by itself.
    await user.type(code, '654321');

    expect(await screen.findByText('Signed out 1 other session.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')[0]?.body).toEqual({
      password: 'correct horse battery',
      method: 'totp',
      code: '654321',
    });
    expect(callsTo(fetchMock, 'DELETE /api/sessions')).toHaveLength(2);
    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Confirm it’s you' })).not.toBeInTheDocument(),
    );
  });

  it('asks for the password only when two-factor is off', async () => {
    const fetchMock = mockApi({
      ...routes(false),
      'DELETE /api/sessions': [stepUpRequired, { body: { revoked: 1 } }],
      'POST /api/auth/reauthenticate': {
        body: {
          reauthenticatedAt: '2025-03-02T10:31:00.000Z',
          expiresAt: '2025-03-02T10:46:00.000Z',
        },
      },
    });
    const { user } = renderPage();

    await startSignOutOthers(user);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    expect(within(dialog).queryByRole('textbox')).not.toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Password'), 'correct horse battery');
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await screen.findByText('Signed out 1 other session.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')[0]?.body).toEqual({
      password: 'correct horse battery',
    });
  });

  it('keeps the dialog open with a field error when the password is wrong', async () => {
    const fetchMock = mockApi({
      ...routes(false),
      'DELETE /api/sessions': stepUpRequired,
      'POST /api/auth/reauthenticate': {
        status: 401,
        body: { code: 'INVALID_CREDENTIALS', message: 'The password is not correct.' },
      },
    });
    const { user } = renderPage();

    await startSignOutOthers(user);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.type(within(dialog).getByLabelText('Password'), 'wrong');
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    expect(await within(dialog).findByText('That password is not correct.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByLabelText('Password')).toHaveValue('');
    expect(callsTo(fetchMock, 'DELETE /api/sessions')).toHaveLength(1);
  });

  it('asks for a code before re-authenticating when two-factor is on', async () => {
    const fetchMock = mockApi({ ...routes(true), 'DELETE /api/sessions': stepUpRequired });
    const { user } = renderPage();

    await startSignOutOthers(user);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.type(within(dialog).getByLabelText('Password'), 'correct horse battery');
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    const code = within(dialog).getByRole('textbox', { name: 'Authenticator code' });
    expect(code).toHaveAttribute('aria-invalid', 'true');
    expect(code).toHaveAccessibleDescription(/Enter a code to continue\./);
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')).toHaveLength(0);
  });

  it('does not offer backup codes when none are left', async () => {
    mockApi({
      ...routes(true),
      'GET /api/mfa': { body: { ...mfaStatus(true), backupCodesRemaining: 0 } },
      'DELETE /api/sessions': stepUpRequired,
    });
    const { user } = renderPage();

    await startSignOutOthers(user);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });

    // The authenticator app is then the only way, so there is nothing to choose from.
    expect(within(dialog).getByRole('textbox', { name: 'Authenticator code' })).toBeInTheDocument();
    expect(within(dialog).queryByLabelText('Verify with')).not.toBeInTheDocument();
  });

  it('does nothing more when the user cancels', async () => {
    const fetchMock = mockApi({ ...routes(true), 'DELETE /api/sessions': stepUpRequired });
    const { user } = renderPage();

    await startSignOutOthers(user);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Confirm it’s you' })).not.toBeInTheDocument(),
    );
    expect(callsTo(fetchMock, 'DELETE /api/sessions')).toHaveLength(1);
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')).toHaveLength(0);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the new backup codes once the regeneration is retried', async () => {
    const codes = Array.from({ length: 10 }, (_, i) => `code${i}-abcde`);
    mockApi({
      ...routes(true),
      'POST /api/mfa/backup-codes': [stepUpRequired, { status: 201, body: { backupCodes: codes } }],
      'POST /api/auth/reauthenticate': {
        body: {
          reauthenticatedAt: '2025-03-02T10:31:00.000Z',
          expiresAt: '2025-03-02T10:46:00.000Z',
        },
      },
    });
    const { user } = renderPage();

    await user.click(await screen.findByRole('button', { name: 'Generate new codes' }));
    const confirm = await screen.findByRole('dialog', { name: 'Generate new backup codes?' });
    await user.click(within(confirm).getByRole('button', { name: 'Generate new codes' }));

    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.selectOptions(within(dialog).getByLabelText('Verify with'), 'Backup code');
    await user.type(within(dialog).getByLabelText('Password'), 'correct horse battery');
    await user.type(within(dialog).getByRole('textbox', { name: 'Backup code' }), 'aaaaa-bbbbb');
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    const list = await screen.findByRole('list', { name: 'New backup codes' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(10);
    expect(screen.getByText(/previous backup codes have stopped working/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy codes' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Print' })).toBeInTheDocument();
  });

  it('starts in the password field and does not confirm a whole code without a password', async () => {
    const fetchMock = mockApi({ ...routes(true), 'DELETE /api/sessions': stepUpRequired });
    const { user } = renderPage();

    await startSignOutOthers(user);
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await waitFor(() => expect(within(dialog).getByLabelText('Password')).toHaveFocus());
    await user.type(within(dialog).getByRole('textbox', { name: 'Authenticator code' }), '654321');
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')).toHaveLength(0);
  });

  it('turns two-factor off with one password and one code: the retry sends no second code', async () => {
    const fetchMock = mockApi({
      ...routes(true),
      'POST /api/mfa/disable': [stepUpRequired, { body: { status: 'ok' } }],
      'POST /api/auth/reauthenticate': {
        body: {
          reauthenticatedAt: '2025-03-02T10:31:00.000Z',
          expiresAt: '2025-03-02T10:46:00.000Z',
        },
      },
    });
    const { user } = renderPage();

    await user.click(
      await screen.findByRole('button', { name: 'Turn off two-factor authentication' }),
    );
    const off = await screen.findByRole('dialog', { name: 'Turn off two-factor authentication?' });
    await user.click(within(off).getByRole('button', { name: 'Turn off' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.type(within(dialog).getByLabelText('Password'), 'correct horse battery');
    await user.type(within(dialog).getByRole('textbox', { name: 'Authenticator code' }), '654321');

    expect(await screen.findByText('Two-factor authentication is off.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')).toHaveLength(1);
    expect(callsTo(fetchMock, 'POST /api/mfa/disable').map((call) => call.body)).toEqual([{}, {}]);
  });
});

describe('step-up when changing the password', () => {
  const passwordChanged = { body: { status: 'password_changed' } };

  async function submitChange(user: ReturnType<typeof renderPage>['user'], current: string) {
    await user.type(await screen.findByLabelText('Current password'), current);
    await user.type(screen.getByLabelText('New password'), 'a brand new passphrase');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    return screen.findByRole('dialog', { name: 'Confirm it’s you' });
  }

  it('asks only for a code, using the current password the form took', async () => {
    const fetchMock = mockApi({
      ...routes(true),
      'POST /api/account/password': [stepUpRequired, passwordChanged],
      'POST /api/auth/reauthenticate': {
        body: {
          reauthenticatedAt: '2025-03-02T10:31:00.000Z',
          expiresAt: '2025-03-02T10:46:00.000Z',
        },
      },
    });
    const { user } = renderPage();

    const dialog = await submitChange(user, 'correct horse battery');
    expect(within(dialog).queryByLabelText('Password')).not.toBeInTheDocument();
    const code = within(dialog).getByRole('textbox', { name: 'Authenticator code' });
    await waitFor(() => expect(code).toHaveFocus());
    await user.type(code, '654321');

    expect(await screen.findByText(/Password changed\./)).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')[0]?.body).toEqual({
      password: 'correct horse battery',
      method: 'totp',
      code: '654321',
    });
    expect(callsTo(fetchMock, 'POST /api/account/password')).toHaveLength(2);
  });

  it('shows a refused current password on the form, not in the dialog', async () => {
    const fetchMock = mockApi({
      ...routes(true),
      'POST /api/account/password': stepUpRequired,
      'POST /api/auth/reauthenticate': {
        status: 401,
        body: { code: 'INVALID_CREDENTIALS', message: 'The password is not correct.' },
      },
    });
    const { user } = renderPage();

    const dialog = await submitChange(user, 'not my password');
    await user.type(within(dialog).getByRole('textbox', { name: 'Authenticator code' }), '654321');

    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Confirm it’s you' })).not.toBeInTheDocument(),
    );
    expect(screen.getByLabelText('Current password')).toHaveAccessibleDescription(
      'Your current password is not correct.',
    );
    expect(callsTo(fetchMock, 'POST /api/account/password')).toHaveLength(1);
  });

  it('asks nothing more when two-factor is off', async () => {
    const fetchMock = mockApi({
      ...routes(false),
      'POST /api/account/password': [stepUpRequired, passwordChanged],
      'POST /api/auth/reauthenticate': {
        body: {
          reauthenticatedAt: '2025-03-02T10:31:00.000Z',
          expiresAt: '2025-03-02T10:46:00.000Z',
        },
      },
    });
    const { user } = renderPage();

    await user.type(await screen.findByLabelText('Current password'), 'correct horse battery');
    await user.type(screen.getByLabelText('New password'), 'a brand new passphrase');
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByText(/Password changed\./)).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')[0]?.body).toEqual({
      password: 'correct horse battery',
    });
  });
});
