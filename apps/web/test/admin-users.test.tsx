import { screen, within } from '@testing-library/react';
import type { AdminUser } from '@twofold/mfa-core/contracts';
import { describe, expect, it } from 'vitest';
import { ToastProvider } from '../src/components/ui/toast';
import { UsersCard } from '../src/features/admin/components/users-card';
import { callsTo, mockApi, renderWithProviders } from './utils';

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

function renderUsers() {
  return renderWithProviders(
    <ToastProvider>
      <UsersCard currentUserId={ADA} />
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

    await user.click(screen.getByRole('button', { name: 'Reset MFA for bob@example.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset two-factor authentication?' });
    expect(dialog).toHaveTextContent('bob@example.com');
    expect(callsTo(fetchMock, reset)).toHaveLength(0);

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, reset)).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Reset MFA for bob@example.com' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Reset two-factor authentication?' })).getByRole(
        'button',
        { name: 'Reset MFA' },
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

  it('warns an admin about to reset their own account', async () => {
    mockApi({ [`GET ${LIST}`]: { body: { users: [ada, bob], nextCursor: null } } });
    const { user } = renderUsers();
    await screen.findByRole('table', { name: 'Users' });

    await user.click(screen.getByRole('button', { name: 'Reset MFA for bob@example.com' }));
    const bobDialog = screen.getByRole('dialog', { name: 'Reset two-factor authentication?' });
    expect(within(bobDialog).queryByText(/This is your own account/)).not.toBeInTheDocument();
    await user.click(within(bobDialog).getByRole('button', { name: 'Cancel' }));

    await user.click(screen.getByRole('button', { name: 'Reset MFA for ada@example.com' }));
    const adaDialog = screen.getByRole('dialog', { name: 'Reset two-factor authentication?' });
    expect(
      within(adaDialog).getByText('This is your own account: you will be signed out too.'),
    ).toBeInTheDocument();
  });

  it("shows a user's security events in a dialog", async () => {
    mockApi({
      [`GET ${LIST}`]: { body: { users: [ada, bob], nextCursor: null } },
      [`GET /api/admin/users/${BOB}/events?limit=20`]: {
        body: {
          events: [
            {
              id: '00000000-0000-4000-8000-000000000001',
              type: 'login.succeeded',
              ip: '203.0.113.7',
              userAgent: 'Firefox',
              metadata: {},
              createdAt: '2025-02-01T10:00:00.000Z',
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
    expect(within(list).getByRole('listitem')).toHaveTextContent('Signed in');
    expect(within(list).getByRole('listitem')).toHaveTextContent('203.0.113.7');
  });
});
