import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StepUpProvider } from '../src/components/step-up/step-up-provider';
import { ToastProvider } from '../src/components/ui/toast';
import { PolicyCard } from '../src/features/admin/components/policy-card';
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

const policy = {
  roles: [
    { role: 'user', required: false, graceDays: 7, requiredSince: null },
    { role: 'admin', required: true, graceDays: 3, requiredSince: '2025-03-01T09:00:00.000Z' },
  ],
};

function renderPolicy() {
  return renderWithProviders(
    <ToastProvider>
      {/* As on the admin page, which asks "Confirm it's you" for every change. */}
      <StepUpProvider>
        <PolicyCard />
      </StepUpProvider>
    </ToastProvider>,
  );
}

describe('PolicyCard', () => {
  it('loads the policy and saves the edited roles', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/policy': { body: policy },
      'PUT /api/admin/policy': {
        body: {
          roles: [
            {
              role: 'user',
              required: true,
              graceDays: 14,
              requiredSince: '2025-04-01T00:00:00.000Z',
            },
            policy.roles[1],
          ],
        },
      },
    });
    const { user } = renderPolicy();

    const users = await screen.findByRole('group', { name: 'Users' });
    const admins = screen.getByRole('group', { name: 'Admins' });
    expect(
      within(admins).getByRole('switch', { name: 'Require two-factor authentication' }),
    ).toBeChecked();
    expect(within(admins).getByText(/Required since/)).toBeInTheDocument();

    const required = within(users).getByRole('switch', {
      name: 'Require two-factor authentication',
    });
    expect(required).not.toBeChecked();
    await user.click(required);
    const days = within(users).getByRole('spinbutton', { name: 'Grace days' });
    await user.clear(days);
    await user.type(days, '14');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));

    expect(await screen.findByText('Two-factor policy saved.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'PUT /api/admin/policy').map((call) => call.body)).toEqual([
      {
        roles: [
          { role: 'user', required: true, graceDays: 14 },
          { role: 'admin', required: true, graceDays: 3 },
        ],
      },
    ]);
    expect(await within(users).findByText(/Required since/)).toBeInTheDocument();
  });

  it('refuses grace days outside 0–365 and sends nothing', async () => {
    const fetchMock = mockApi({ 'GET /api/admin/policy': { body: policy } });
    const { user } = renderPolicy();

    const admins = await screen.findByRole('group', { name: 'Admins' });
    const days = within(admins).getByRole('spinbutton', { name: 'Grace days' });
    await user.clear(days);
    await user.type(days, '400');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));

    expect(days).toHaveAttribute('aria-invalid', 'true');
    expect(days).toHaveAccessibleDescription(/Enter a whole number of days from 0 to 365/);
    expect(days).toHaveFocus();
    expect(callsTo(fetchMock, 'PUT /api/admin/policy')).toHaveLength(0);
  });

  it('accepts 365 grace days and refuses a negative number', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/policy': { body: policy },
      'PUT /api/admin/policy': { body: policy },
    });
    const { user } = renderPolicy();

    const users = await screen.findByRole('group', { name: 'Users' });
    const userDays = within(users).getByRole('spinbutton', { name: 'Grace days' });
    await user.clear(userDays);
    await user.type(userDays, '-1');
    const adminDays = within(screen.getByRole('group', { name: 'Admins' })).getByRole(
      'spinbutton',
      { name: 'Grace days' },
    );
    await user.clear(adminDays);
    await user.type(adminDays, '365');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));

    expect(userDays).toHaveAttribute('aria-invalid', 'true');
    expect(adminDays).not.toHaveAttribute('aria-invalid');
    expect(callsTo(fetchMock, 'PUT /api/admin/policy')).toHaveLength(0);

    // Correcting a field takes its error away at once.
    await user.clear(userDays);
    expect(userDays).not.toHaveAttribute('aria-invalid');
    await user.type(userDays, '0');
    await user.click(screen.getByRole('button', { name: 'Save policy' }));

    expect(await screen.findByText('Two-factor policy saved.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'PUT /api/admin/policy').map((call) => call.body)).toEqual([
      {
        roles: [
          { role: 'user', required: false, graceDays: 0 },
          { role: 'admin', required: true, graceDays: 365 },
        ],
      },
    ]);
  });

  it('says when the grace period ends, and when a switched-off rule stops applying', async () => {
    const day = 24 * 60 * 60 * 1000;
    const since = new Date(Date.now() - day);
    const graceEnds = new Date(since.getTime() + 3 * day);
    mockApi({
      'GET /api/admin/policy': {
        body: {
          roles: [
            policy.roles[0],
            { role: 'admin', required: true, graceDays: 3, requiredSince: since.toISOString() },
          ],
        },
      },
    });
    const { user } = renderPolicy();

    const admins = await screen.findByRole('group', { name: 'Admins' });
    const required = within(admins).getByRole('switch', {
      name: 'Require two-factor authentication',
    });
    const until = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(graceEnds);
    expect(required).toHaveAccessibleDescription(
      expect.stringContaining(`have until ${until} to set it up.`),
    );

    await user.click(required);

    expect(required).toHaveAccessibleDescription('No longer required once you save.');
  });

  it('never gives a date already past as the end of the grace period', async () => {
    mockApi({
      'GET /api/admin/policy': {
        body: {
          roles: [
            // Required since 1 March 2025 with 3 grace days: over since 4 March.
            {
              role: 'user',
              required: true,
              graceDays: 3,
              requiredSince: '2025-03-01T09:00:00.000Z',
            },
            {
              role: 'admin',
              required: true,
              graceDays: 0,
              requiredSince: new Date().toISOString(),
            },
          ],
        },
      },
    });
    renderPolicy();

    const switchOf = async (name: string) =>
      within(await screen.findByRole('group', { name })).getByRole('switch', {
        name: 'Require two-factor authentication',
      });
    const users = await switchOf('Users');
    expect(users).toHaveAccessibleDescription(/The grace period ended on .*\b4\b/);
    expect(users).toHaveAccessibleDescription(/set it up the next time they sign in\.$/);
    expect(users).not.toHaveAccessibleDescription(/have until/);
    const admins = await switchOf('Admins');
    expect(admins).toHaveAccessibleDescription(
      /no grace period: people without it set it up the next time they sign in\.$/,
    );
    expect(admins).not.toHaveAccessibleDescription(/have until/);
  });

  it("shows the API's field error next to the role it concerns", async () => {
    mockApi({
      'GET /api/admin/policy': { body: policy },
      'PUT /api/admin/policy': {
        status: 400,
        body: {
          code: 'VALIDATION_ERROR',
          message: 'The body is invalid: /roles/1/graceDays must be <= 365',
          details: [{ path: '/roles/1/graceDays', message: 'must be <= 365' }],
        },
      },
    });
    const { user } = renderPolicy();

    await screen.findByRole('group', { name: 'Users' });
    await user.click(screen.getByRole('button', { name: 'Save policy' }));

    const admins = screen.getByRole('group', { name: 'Admins' });
    const days = within(admins).getByRole('spinbutton', { name: 'Grace days' });
    await expect.poll(() => days.getAttribute('aria-invalid')).toBe('true');
    expect(days).toHaveAccessibleDescription(/must be <= 365/);
  });

  it('says when the policy could not be loaded', async () => {
    mockApi({
      'GET /api/admin/policy': {
        status: 403,
        body: { code: 'FORBIDDEN', message: 'Only administrators can do that.' },
      },
    });
    renderPolicy();
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the policy');
  });
});

describe('PolicyCard: step-up', () => {
  /** The admin has an authenticator app, so "Confirm it's you" asks for its code. */
  const adminStatus = mfaStatusReply({
    enabled: true,
    factors: [activeFactor('totp')],
    backupCodesRemaining: 10,
  });

  it('asks the admin to confirm it is them, then saves the policy', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/policy': { body: policy },
      'GET /api/mfa': adminStatus,
      'PUT /api/admin/policy': [stepUpRequired, { body: policy }],
      'POST /api/auth/reauthenticate': reauthenticated,
    });
    const { user } = renderPolicy();

    await screen.findByRole('group', { name: 'Users' });
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    await confirmItsYou(user, { code: '654321' });

    expect(await screen.findByText('Two-factor policy saved.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')[0]?.body).toEqual({
      password: 'correct horse battery',
      method: 'totp',
      code: '654321',
    });
    // The same policy, sent again once the admin confirmed.
    const sent = callsTo(fetchMock, 'PUT /api/admin/policy').map((call) => call.body);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
    await expect.poll(() => screen.queryByRole('dialog', { name: 'Confirm it’s you' })).toBeNull();
  });

  it('saves nothing and says nothing when the admin cancels', async () => {
    const fetchMock = mockApi({
      'GET /api/admin/policy': { body: policy },
      'GET /api/mfa': adminStatus,
      'PUT /api/admin/policy': stepUpRequired,
    });
    const { user } = renderPolicy();

    await screen.findByRole('group', { name: 'Users' });
    await user.click(screen.getByRole('button', { name: 'Save policy' }));
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.click(await within(dialog).findByRole('button', { name: 'Cancel' }));

    await expect.poll(() => screen.queryByRole('dialog', { name: 'Confirm it’s you' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Save policy' })).toBeEnabled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'PUT /api/admin/policy')).toHaveLength(1);
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')).toHaveLength(0);
  });
});
