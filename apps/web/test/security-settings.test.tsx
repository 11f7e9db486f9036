import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '../src/components/ui/toast';
import { SecuritySettings } from '../src/features/security-settings/components/security-settings';
import { callsTo, mockApi, renderWithProviders, testUser } from './utils';

const CURRENT_SESSION = '11111111-1111-4111-8111-111111111111';
const OTHER_SESSION = '22222222-2222-4222-8222-222222222222';
const DEVICE = '33333333-3333-4333-8333-333333333333';

function mfaStatus(overrides: Record<string, unknown> = {}) {
  return {
    enabled: true,
    factors: [
      {
        id: '44444444-4444-4444-8444-444444444444',
        type: 'totp',
        status: 'active',
        createdAt: '2025-03-01T09:00:00.000Z',
        confirmedAt: '2025-03-01T09:01:00.000Z',
        lastUsedAt: '2025-03-02T10:00:00.000Z',
      },
    ],
    backupCodesRemaining: 8,
    trustedDevices: [
      {
        id: DEVICE,
        label: 'Chrome on Windows',
        createdAt: '2025-03-01T09:05:00.000Z',
        lastUsedAt: null,
        expiresAt: '2025-03-31T09:05:00.000Z',
        current: false,
      },
    ],
    policy: { required: false, status: 'not_required', graceEndsAt: null },
    ...overrides,
  };
}

const sessions = {
  sessions: [
    {
      id: CURRENT_SESSION,
      current: true,
      aal: 2,
      amr: ['pwd', 'otp'],
      ip: '203.0.113.7',
      userAgent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0',
      createdAt: '2025-03-02T10:00:00.000Z',
      lastSeenAt: '2025-03-02T10:30:00.000Z',
      expiresAt: '2025-03-02T22:00:00.000Z',
    },
    {
      id: OTHER_SESSION,
      current: false,
      aal: 2,
      amr: ['pwd', 'otp'],
      ip: '198.51.100.4',
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      createdAt: '2025-03-01T08:00:00.000Z',
      lastSeenAt: '2025-03-01T08:10:00.000Z',
      expiresAt: '2025-03-01T20:00:00.000Z',
    },
  ],
};

function event(id: number, type: string, createdAt: string) {
  return {
    id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    type,
    ip: '203.0.113.7',
    userAgent: null,
    metadata: {},
    createdAt,
  };
}

const firstPage = {
  events: [
    event(3, 'login.succeeded', '2025-03-02T10:00:00.000Z'),
    event(2, 'mfa.enabled', '2025-03-01T09:01:00.000Z'),
    event(1, 'something.new', '2025-03-01T09:00:00.000Z'),
  ],
  nextCursor: 'cursor-2',
};

function renderPage() {
  return renderWithProviders(
    <ToastProvider>
      <SecuritySettings email={testUser.email} />
    </ToastProvider>,
  );
}

function baseRoutes(status = mfaStatus()) {
  return {
    'GET /api/mfa': { body: status },
    'GET /api/sessions': { body: sessions },
    'GET /api/security/events?limit=20': { body: firstPage },
  };
}

describe('SecuritySettings', () => {
  it('renders every section from the MFA status, the sessions and the events', async () => {
    mockApi(baseRoutes());
    renderPage();

    expect(await screen.findByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
    for (const name of ['Backup codes', 'Trusted browsers', 'Active sessions', 'Change password'])
      expect(screen.getByRole('heading', { name })).toBeInTheDocument();

    const methods = screen.getByRole('list', { name: 'Your two-factor methods' });
    expect(within(methods).getByText('Authenticator app')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Remove Authenticator app' })).toBeInTheDocument();
    // Email codes are missing, so another method can be added.
    expect(screen.getByRole('link', { name: 'Add a method' })).toHaveAttribute('href', '/setup');
    expect(screen.getByText('8')).toBeInTheDocument();

    const browsers = screen.getByRole('list', { name: 'Trusted browsers' });
    expect(within(browsers).getByText('Chrome on Windows')).toBeInTheDocument();

    const sessionList = await screen.findByRole('list', { name: 'Active sessions' });
    const [current, other] = within(sessionList).getAllByRole('listitem');
    expect(current).toHaveTextContent('Firefox on macOS');
    expect(current).toHaveTextContent('This session');
    expect(other).toHaveTextContent('Safari on iOS');
    expect(other).toHaveTextContent('198.51.100.4');

    const timeline = await screen.findByRole('list', { name: 'Security activity' });
    const items = within(timeline).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Signed in');
    expect(items[1]).toHaveTextContent('Two-factor turned on');
    expect(items[2]).toHaveTextContent('Something new');
  });

  it('warns when 3 or fewer backup codes are left', async () => {
    mockApi(baseRoutes(mfaStatus({ backupCodesRemaining: 3 })));
    renderPage();

    expect(await screen.findByText('You are running out of backup codes')).toBeInTheDocument();
  });

  it('says so when no backup codes are left', async () => {
    mockApi(baseRoutes(mfaStatus({ backupCodesRemaining: 0 })));
    renderPage();

    expect(await screen.findByText('No backup codes left')).toBeInTheDocument();
    expect(screen.queryByText('You are running out of backup codes')).not.toBeInTheDocument();
  });

  it('offers no way to turn two-factor off when the organisation requires it', async () => {
    mockApi(
      baseRoutes(mfaStatus({ policy: { required: true, status: 'satisfied', graceEndsAt: null } })),
    );
    renderPage();

    expect(await screen.findByText('Required by your organisation.')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Turn off two-factor authentication' }),
    ).not.toBeInTheDocument();
  });

  it('warns that removing the only method turns two-factor off, and says so after', async () => {
    const factorId = '44444444-4444-4444-8444-444444444444';
    const fetchMock = mockApi({
      ...baseRoutes(),
      [`DELETE /api/mfa/factors/${factorId}`]: { body: { status: 'ok' } },
      'POST /api/mfa/disable': { body: { status: 'ok' } },
    });
    const { user } = renderPage();

    await user.click(await screen.findByRole('button', { name: 'Remove Authenticator app' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove authenticator app?' });
    expect(dialog).toHaveAccessibleDescription(/two-factor authentication will be turned off/);
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));

    expect(await screen.findByText('Two-factor authentication is off.')).toBeInTheDocument();
    // It goes the way turning off goes, with the same rules (a current code when asked).
    expect(callsTo(fetchMock, 'POST /api/mfa/disable')).toHaveLength(1);
    expect(callsTo(fetchMock, `DELETE /api/mfa/factors/${factorId}`)).toHaveLength(0);
  });

  it('does not warn while more than 3 backup codes are left', async () => {
    mockApi(baseRoutes(mfaStatus({ backupCodesRemaining: 4 })));
    renderPage();

    expect(await screen.findByRole('heading', { name: 'Backup codes' })).toBeInTheDocument();
    expect(screen.queryByText('You are running out of backup codes')).not.toBeInTheDocument();
  });

  it('revokes a trusted browser after confirmation', async () => {
    const fetchMock = mockApi({
      ...baseRoutes(),
      'GET /api/mfa': [{ body: mfaStatus() }, { body: mfaStatus({ trustedDevices: [] }) }],
      [`DELETE /api/mfa/trusted-devices/${DEVICE}`]: { body: { status: 'ok' } },
    });
    const { user } = renderPage();

    await user.click(await screen.findByRole('button', { name: 'Revoke Chrome on Windows' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this browser?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));

    expect(await screen.findByText('No trusted browsers.')).toBeInTheDocument();
    expect(callsTo(fetchMock, `DELETE /api/mfa/trusted-devices/${DEVICE}`)).toHaveLength(1);
    expect(screen.getByText('Chrome on Windows will ask for a second step again.')).toBeVisible();
  });

  it('signs out all other sessions', async () => {
    const fetchMock = mockApi({
      ...baseRoutes(),
      'DELETE /api/sessions': { body: { revoked: 1 } },
    });
    const { user } = renderPage();

    await user.click(await screen.findByRole('button', { name: 'Sign out all other sessions' }));
    const dialog = await screen.findByRole('dialog', { name: 'Sign out all other sessions?' });
    await user.click(within(dialog).getByRole('button', { name: 'Sign out other sessions' }));

    expect(await screen.findByText('Signed out 1 other session.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'DELETE /api/sessions')).toHaveLength(1);
    // The list is asked for again so the ended session disappears.
    expect(callsTo(fetchMock, 'GET /api/sessions').length).toBeGreaterThan(1);
  });

  it('offers to revoke other sessions only, and revokes one after confirmation', async () => {
    const fetchMock = mockApi({
      ...baseRoutes(),
      [`DELETE /api/sessions/${OTHER_SESSION}`]: { body: { revoked: 1 } },
    });
    const { user } = renderPage();

    const sessionList = await screen.findByRole('list', { name: 'Active sessions' });
    const [current] = within(sessionList).getAllByRole('listitem');
    expect(within(current as HTMLElement).queryByRole('button')).not.toBeInTheDocument();
    await user.click(within(sessionList).getByRole('button', { name: /^Revoke Safari on iOS/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this session?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke session' }));

    expect(await screen.findByText('Safari on iOS is signed out.')).toBeInTheDocument();
    expect(callsTo(fetchMock, `DELETE /api/sessions/${OTHER_SESSION}`)).toHaveLength(1);
  });

  it('revokes every trusted browser after confirmation', async () => {
    const fetchMock = mockApi({
      ...baseRoutes(),
      'DELETE /api/mfa/trusted-devices': { body: { status: 'ok' } },
    });
    const { user } = renderPage();

    await user.click(await screen.findByRole('button', { name: 'Revoke all' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke all trusted browsers?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke all' }));

    expect(
      await screen.findByText('Every browser will ask for a second step again.'),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'DELETE /api/mfa/trusted-devices')).toHaveLength(1);
  });

  const codeRequired = {
    status: 403,
    body: { code: 'CODE_REQUIRED', message: 'Enter a current code to do this.' },
  };

  async function openTurnOff(user: ReturnType<typeof renderPage>['user']) {
    await user.click(
      await screen.findByRole('button', { name: 'Turn off two-factor authentication' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Turn off two-factor authentication?',
    });
    // The safe choice has focus, not the close button nor the destructive one.
    await vi.waitFor(() =>
      expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus(),
    );
    return dialog;
  }

  it('turns two-factor off without asking for a code when the API does not need one', async () => {
    const fetchMock = mockApi({
      ...baseRoutes(),
      'POST /api/mfa/disable': { body: { status: 'ok' } },
    });
    const { user } = renderPage();
    const dialog = await openTurnOff(user);
    expect(within(dialog).queryByRole('textbox')).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Turn off' }));

    expect(await screen.findByText('Two-factor authentication is off.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/mfa/disable').map((call) => call.body)).toEqual([{}]);
  });

  it('asks for just a current code when the API says one is needed, focused and sent at 6 digits', async () => {
    const fetchMock = mockApi({
      ...baseRoutes(),
      'POST /api/mfa/disable': [codeRequired, { body: { status: 'ok' } }],
    });
    const { user } = renderPage();
    const dialog = await openTurnOff(user);
    await user.click(within(dialog).getByRole('button', { name: 'Turn off' }));

    const codeField = await within(dialog).findByRole('textbox', { name: 'Authenticator code' });
    await vi.waitFor(() => expect(codeField).toHaveFocus());
    expect(codeField).not.toHaveAttribute('aria-invalid');
    expect(within(dialog).queryByLabelText('Password')).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Turn off' }));
    expect(codeField).toHaveAccessibleDescription(/Enter a current code/);
    expect(callsTo(fetchMock, 'POST /api/mfa/disable')).toHaveLength(1);

    await user.type(codeField, '123456');
    expect(await screen.findByText('Two-factor authentication is off.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/mfa/disable').map((call) => call.body)).toEqual([
      {},
      { method: 'totp', code: '123456' },
    ]);
  });

  it('clears a refused code when turning two-factor off', async () => {
    mockApi({
      ...baseRoutes(),
      'POST /api/mfa/disable': [
        codeRequired,
        { status: 400, body: { code: 'INVALID_CODE', message: 'That code is not valid.' } },
      ],
    });
    const { user } = renderPage();
    const dialog = await openTurnOff(user);
    await user.click(within(dialog).getByRole('button', { name: 'Turn off' }));
    const codeField = await within(dialog).findByRole('textbox', { name: 'Authenticator code' });
    await user.type(codeField, '000000');

    await vi.waitFor(() => expect(codeField).toHaveAttribute('aria-invalid', 'true'));
    expect(codeField).toHaveAccessibleDescription(/That code is not right/);
    expect(codeField).toHaveValue('');
    expect(
      screen.getByRole('dialog', { name: 'Turn off two-factor authentication?' }),
    ).toBeVisible();
  });

  it('loads the next page of the timeline with the cursor', async () => {
    const fetchMock = mockApi({
      ...baseRoutes(),
      'GET /api/security/events?limit=20&cursor=cursor-2': {
        body: {
          events: [event(0, 'password.changed', '2025-02-28T12:00:00.000Z')],
          nextCursor: null,
        },
      },
    });
    const { user } = renderPage();

    await user.click(await screen.findByRole('button', { name: 'Load more' }));

    const timeline = screen.getByRole('list', { name: 'Security activity' });
    expect(await within(timeline).findByText('Password changed')).toBeInTheDocument();
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(4);
    expect(callsTo(fetchMock, 'GET /api/security/events?limit=20&cursor=cursor-2')).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });
});
