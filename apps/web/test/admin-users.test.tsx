import { screen, within } from '@testing-library/react';
import type { AdminUser } from '@twofold/mfa-core/contracts';
import { describe, expect, it } from 'vitest';
import { StepUpProvider } from '../src/components/step-up/step-up-provider';
import { ToastProvider } from '../src/components/ui/toast';
import { UsersCard } from '../src/features/admin/components/users-card';
import {
  activeFactor,
  callsTo,
  confirmItsYou,
  mfaStatusReply,
  mockApi,
  reauthenticated,
  renderWithProviders,
  stepUpRequired,
} from './utils';

const ADA = '5b0c2a4e-9d7f-4f43-a3c1-2f1e6f0d9a11';
const BOB = '7c1d3b5f-0e8a-4a54-b4d2-3a2f7a1eab22';
const LIST = '/api/admin/users?limit=20';

function adminUser(overrides: Partial<AdminUser>): AdminUser {
  return {
    id: ADA,
    email: 'ada@example.com',
    role: 'admin',
    emailVerified: true,
    mfaEnabled: false,
    factors: [],
    createdAt: '2025-01-02T10:00:00.000Z',
    policyStatus: 'not_required',
    ...overrides,
  };
}

const ada = adminUser({ mfaEnabled: true, factors: ['totp'], policyStatus: 'satisfied' });
const bob = adminUser({
  id: BOB,
  email: 'bob@example.com',
  role: 'user',
  mfaEnabled: true,
  factors: ['totp', 'email'],
  policyStatus: 'satisfied',
});

function renderUsers({ currentUserId }: { currentUserId?: string } = { currentUserId: ADA }) {
  return renderWithProviders(
    <ToastProvider>
      {/* As on the admin page, which asks "Confirm it's you" for every change. */}
      <StepUpProvider>
        <UsersCard currentUserId={currentUserId} />
      </StepUpProvider>
    </ToastProvider>,
  );
}

function rowOf(email: string) {
  const row = screen.getByRole('rowheader', { name: new RegExp(email) }).closest('tr');
  if (!row) throw new Error(`no row for ${email}`);
  return row;
}

describe('UsersCard', () => {
  it('lists users with their MFA state and policy status', async () => {
    mockApi({ [`GET ${LIST}`]: { body: { users: [ada, bob], nextCursor: null } } });
    renderUsers();

    const table = await screen.findByRole('table', { name: 'Users' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    const bobRow = rowOf('bob@example.com');
    expect(bobRow).toHaveTextContent('Authenticator app, Email code');
    expect(within(bobRow).getByText('Satisfied')).toBeInTheDocument();
    expect(within(rowOf('ada@example.com')).getByText('You')).toBeInTheDocument();
    expect(screen.getByText('2 users.')).toBeInTheDocument();
  });

  it('searches by email with q', async () => {
    const fetchMock = mockApi({
      [`GET ${LIST}`]: { body: { users: [ada, bob], nextCursor: null } },
      [`GET ${LIST}&q=bob`]: { body: { users: [bob], nextCursor: null } },
    });
    const { user } = renderUsers();
    await screen.findByRole('table', { name: 'Users' });

    await user.type(screen.getByRole('searchbox', { name: 'Search by email' }), 'bob');

    await expect
      .poll(() => screen.queryByRole('rowheader', { name: /ada@example.com/ }))
      .toBeNull();
    expect(rowOf('bob@example.com')).toBeInTheDocument();
    // Debounced: one request for the whole word, none per keystroke.
    expect(callsTo(fetchMock, `GET ${LIST}&q=bob`)).toHaveLength(1);
    expect(callsTo(fetchMock, `GET ${LIST}&q=b`)).toHaveLength(0);
    expect(screen.getByText('1 user matching “bob”.')).toBeInTheDocument();
  });

  it('loads the next page with the cursor', async () => {
    mockApi({
      [`GET ${LIST}`]: { body: { users: [ada], nextCursor: 'page-2' } },
      [`GET ${LIST}&cursor=page-2`]: { body: { users: [bob], nextCursor: null } },
    });
    const { user } = renderUsers();
    await screen.findByRole('table', { name: 'Users' });

    expect(screen.getByText('Showing the first 1 user.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await screen.findByRole('rowheader', { name: /bob@example.com/ })).toBeInTheDocument();
    expect(rowOf('ada@example.com')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('asks for confirmation before resetting MFA, then posts and refreshes the list', async () => {
    const reset = `POST /api/admin/users/${BOB}/mfa/reset`;
    const fetchMock = mockApi({
      [`GET ${LIST}`]: [
        { body: { users: [ada, bob], nextCursor: null } },
        {
          body: {
            users: [ada, { ...bob, mfaEnabled: false, factors: [], policyStatus: 'not_required' }],
            nextCursor: null,
          },
        },
      ],
      [reset]: { body: { status: 'ok' } },
    });
    const { user } = renderUsers();
    await screen.findByRole('table', { name: 'Users' });

    await user.click(screen.getByRole('button', { name: 'Reset two-factor for bob@example.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset two-factor authentication?' });
    expect(dialog).toHaveTextContent('bob@example.com');
    expect(callsTo(fetchMock, reset)).toHaveLength(0);

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, reset)).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Reset two-factor for bob@example.com' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Reset two-factor authentication?' })).getByRole(
        'button',
        { name: 'Reset two-factor' },
      ),
    );

    expect(
      await screen.findByText('Two-factor authentication reset for bob@example.com.'),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, reset).map((call) => call.body)).toEqual([{}]);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await expect.poll(() => within(rowOf('bob@example.com')).queryByText('Off')).not.toBeNull();
    expect(callsTo(fetchMock, `GET ${LIST}`)).toHaveLength(2);
  });

  it("offers no reset on the admin's own row, but their security settings", async () => {
    mockApi({ [`GET ${LIST}`]: { body: { users: [ada, bob], nextCursor: null } } });
    const { user, location } = renderUsers();
    await screen.findByRole('table', { name: 'Users' });

    const own = rowOf('ada@example.com');
    expect(within(own).queryByRole('button', { name: /Reset two-factor/ })).not.toBeInTheDocument();
    expect(
      within(rowOf('bob@example.com')).getByRole('button', { name: /Reset two-factor/ }),
    ).toBeInTheDocument();

    await user.click(within(own).getByRole('link', { name: 'Your security settings' }));
    expect(location.history.at(-1)).toBe('/settings/security');
  });

  it("shows the API's refusal when an admin's own reset is sent anyway", async () => {
    const refusal = 'Reset your own two-factor authentication from your security settings.';
    mockApi({
      [`GET ${LIST}`]: { body: { users: [ada, bob], nextCursor: null } },
      [`POST /api/admin/users/${ADA}/mfa/reset`]: {
        status: 403,
        body: { code: 'FORBIDDEN', message: refusal },
      },
    });
    // Before the session has loaded, the page cannot tell which row is the admin's own.
    const { user } = renderUsers({});
    await screen.findByRole('table', { name: 'Users' });

    await user.click(screen.getByRole('button', { name: 'Reset two-factor for ada@example.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset two-factor authentication?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reset two-factor' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(refusal);
  });

  it('asks the admin to confirm it is them, then resets', async () => {
    const reset = `POST /api/admin/users/${BOB}/mfa/reset`;
    const fetchMock = mockApi({
      [`GET ${LIST}`]: { body: { users: [ada, bob], nextCursor: null } },
      'GET /api/mfa': mfaStatusReply({
        enabled: true,
        factors: [activeFactor('totp')],
        backupCodesRemaining: 10,
      }),
      [reset]: [stepUpRequired, { body: { status: 'ok' } }],
      'POST /api/auth/reauthenticate': reauthenticated,
    });
    const { user } = renderUsers();
    await screen.findByRole('table', { name: 'Users' });

    await user.click(screen.getByRole('button', { name: 'Reset two-factor for bob@example.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset two-factor authentication?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reset two-factor' }));
    await confirmItsYou(user, { code: '654321' });

    expect(
      await screen.findByText('Two-factor authentication reset for bob@example.com.'),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')[0]?.body).toEqual({
      password: 'correct horse battery',
      method: 'totp',
      code: '654321',
    });
    expect(callsTo(fetchMock, reset)).toHaveLength(2);
    await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
  });

  it('leaves the reset dialog open without an error when the admin cancels', async () => {
    const reset = `POST /api/admin/users/${BOB}/mfa/reset`;
    const fetchMock = mockApi({
      [`GET ${LIST}`]: { body: { users: [ada, bob], nextCursor: null } },
      'GET /api/mfa': mfaStatusReply(),
      [reset]: stepUpRequired,
    });
    const { user } = renderUsers();
    await screen.findByRole('table', { name: 'Users' });

    await user.click(screen.getByRole('button', { name: 'Reset two-factor for bob@example.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset two-factor authentication?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reset two-factor' }));
    const confirm = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.click(await within(confirm).findByRole('button', { name: 'Cancel' }));

    await expect.poll(() => screen.queryByRole('dialog', { name: 'Confirm it’s you' })).toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Reset two-factor' })).toBeEnabled();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, reset)).toHaveLength(1);
  });

  it('offers no reset for a user with two-factor off: there is nothing to reset', async () => {
    const carol = adminUser({
      id: '9e2f4c6a-1b9c-4c65-85e3-4b3f8b2fbc33',
      email: 'carol@example.com',
      role: 'user',
    });
    mockApi({ [`GET ${LIST}`]: { body: { users: [ada, bob, carol], nextCursor: null } } });
    renderUsers();
    await screen.findByRole('table', { name: 'Users' });

    expect(within(rowOf('carol@example.com')).queryByRole('button', { name: /reset/i })).toBeNull();
    expect(
      within(rowOf('carol@example.com')).getByRole('button', {
        name: 'View events for carol@example.com',
      }),
    ).toBeInTheDocument();
    expect(
      within(rowOf('bob@example.com')).getByRole('button', {
        name: 'Reset two-factor for bob@example.com',
      }),
    ).toBeInTheDocument();
  });

  it("shows a user's security events in a dialog, worded as on their own page", async () => {
    mockApi({
      [`GET ${LIST}`]: { body: { users: [ada, bob], nextCursor: null } },
      [`GET /api/admin/users/${BOB}/events?limit=20`]: {
        body: {
          events: [
            {
              id: '00000000-0000-4000-8000-000000000002',
              type: 'login.succeeded',
              ip: '203.0.113.7',
              userAgent:
                'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
              metadata: { aal: 1, amr: ['pwd'] },
              createdAt: '2025-02-01T10:00:00.000Z',
            },
            {
              id: '00000000-0000-4000-8000-000000000001',
              type: 'login.failed',
              ip: '203.0.113.7',
              userAgent: null,
              metadata: { reason: 'wrong_password' },
              createdAt: '2025-02-01T09:59:00.000Z',
            },
          ],
          nextCursor: null,
        },
      },
    });
    const { user } = renderUsers();
    await screen.findByRole('table', { name: 'Users' });

    await user.click(screen.getByRole('button', { name: 'View events for bob@example.com' }));

    const dialog = screen.getByRole('dialog', { name: 'Security events' });
    const list = await within(dialog).findByRole('list', { name: 'Security events' });
    const [signedIn, failed] = within(list).getAllByRole('listitem');
    expect(signedIn).toHaveTextContent('Signed in');
    expect(signedIn).toHaveTextContent('203.0.113.7 · Chrome on Linux');
    expect(signedIn).not.toHaveTextContent('Mozilla');
    expect(failed).toHaveTextContent('Failed Sign-in: wrong password');
    // The list scrolls inside the dialog: the keyboard can reach it.
    expect(list).toHaveAttribute('tabindex', '0');
  });
});
