import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ToastProvider } from '../src/components/ui/toast';
import { SecuritySettings } from '../src/features/security-settings/components/security-settings';
import {
  callsTo,
  inSeconds,
  mfaStatusReply,
  mockApi,
  renderWithProviders,
  testUser,
} from './utils';

const NEW_EMAIL = 'ada.lovelace@example.org';

const pending = () => ({
  body: {
    status: 'verification_required',
    email: NEW_EMAIL,
    expiresAt: inSeconds(15 * 60),
    resendAvailableAt: inSeconds(60),
  },
});

const changed = {
  body: { status: 'email_changed', user: { ...testUser, email: NEW_EMAIL } },
};

function routes(extra: Record<string, unknown>) {
  return {
    'GET /api/mfa': mfaStatusReply(),
    'GET /api/sessions': { body: { sessions: [] } },
    'GET /api/security/events?limit=20': { body: { events: [], nextCursor: null } },
    ...extra,
  } as Parameters<typeof mockApi>[0];
}

function renderPage() {
  return renderWithProviders(
    <ToastProvider>
      <SecuritySettings email={testUser.email} />
    </ToastProvider>,
  );
}

async function emailCard() {
  const heading = await screen.findByRole('heading', { name: 'Email address' });
  return heading.closest('section')!;
}

async function askFor(user: ReturnType<typeof renderPage>['user'], email: string) {
  const card = await emailCard();
  await user.type(within(card).getByLabelText('New email address'), email);
  await user.click(within(card).getByRole('button', { name: 'Send a code' }));
}

describe('ChangeEmailCard', () => {
  it('sends a code to the new address, then confirms it and says so', async () => {
    const fetchMock = mockApi(
      routes({
        'POST /api/account/email': pending(),
        'POST /api/account/email/verify': [
          {
            status: 400,
            body: { code: 'INVALID_CODE', message: 'That code is not valid.', attemptsLeft: 4 },
          },
          changed,
        ],
      }),
    );
    const { user } = renderPage();
    expect(await screen.findByText(testUser.email)).toBeInTheDocument();

    await askFor(user, NEW_EMAIL);
    const card = await emailCard();
    expect(await within(card).findByText(NEW_EMAIL)).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/account/email')[0]?.body).toEqual({ email: NEW_EMAIL });
    const resend = within(card).getByRole('button', { name: /^Resend code in/ });
    expect(resend).toBeDisabled();

    const code = within(card).getByRole('textbox', { name: 'Code from the email' });
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    await user.type(code, '111111');
    expect(await within(card).findByText(/4 attempts left/)).toBeInTheDocument();
    expect(code).toHaveAttribute('aria-invalid', 'true');

    await user.clear(code);
    await user.type(code, '222222');
    expect(await screen.findByText(`Email address changed to ${NEW_EMAIL}.`)).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/account/email/verify').map((c) => c.body)).toEqual([
      { code: '111111' },
      { code: '222222' },
    ]);
    // Back to the form, and the page's data is fetched again.
    expect(await within(card).findByLabelText('New email address')).toHaveValue('');
    expect(callsTo(fetchMock, 'GET /api/mfa').length).toBeGreaterThan(1);
  });

  it('checks the address before asking the server', async () => {
    const fetchMock = mockApi(routes({}));
    const { user } = renderPage();

    await askFor(user, testUser.email.toUpperCase());
    const card = await emailCard();
    expect(
      within(card).getByText('That is already the email address of your account.'),
    ).toBeInTheDocument();
    await user.clear(within(card).getByLabelText('New email address'));
    await askFor(user, 'nobody');
    expect(
      within(card).getByText('Enter an email address, like name@example.com.'),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/account/email')).toHaveLength(0);
  });

  it('shows when the address was taken before the code came back, and can start over', async () => {
    mockApi(
      routes({
        'POST /api/account/email': pending(),
        'POST /api/account/email/verify': {
          status: 409,
          body: {
            code: 'EMAIL_TAKEN',
            message: 'That email address now belongs to another account. Choose a different one.',
          },
        },
      }),
    );
    const { user } = renderPage();
    await askFor(user, NEW_EMAIL);
    const card = await emailCard();
    await user.type(await within(card).findByLabelText('Code from the email'), '123456');
    expect(await within(card).findByRole('alert')).toHaveTextContent(
      'That email address now belongs to another account',
    );

    await user.click(within(card).getByRole('button', { name: 'Cancel' }));
    expect(within(card).getByLabelText('New email address')).toBeInTheDocument();
  });

  it('asks to confirm identity first when the step-up window is closed', async () => {
    const fetchMock = mockApi(
      routes({
        'POST /api/account/email': [
          {
            status: 403,
            body: {
              code: 'STEP_UP_REQUIRED',
              message: 'Please confirm your identity to continue.',
            },
          },
          pending(),
        ],
        'POST /api/auth/reauthenticate': {
          body: { reauthenticatedAt: inSeconds(0), expiresAt: inSeconds(15 * 60) },
        },
      }),
    );
    const { user } = renderPage();
    await askFor(user, NEW_EMAIL);

    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.type(within(dialog).getByLabelText('Password'), 'correct horse battery');
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));

    const card = await emailCard();
    expect(await within(card).findByText(NEW_EMAIL)).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/account/email')).toHaveLength(2);
  });
});
