import { act, screen, waitFor, within } from '@testing-library/react';
import type { MfaMethod } from '@twofold/mfa-core/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignInForm } from '../src/features/auth/components/sign-in-form';
import { callsTo, inSeconds, mockApi, renderWithProviders, testUser } from './utils';

const signedOut = { status: 401, body: { code: 'UNAUTHENTICATED', message: 'Please sign in.' } };
const authenticated = { body: { status: 'authenticated', user: testUser } };
const emailSent = () => ({
  body: {
    status: 'sent',
    expiresAt: inSeconds(600),
    resendAvailableAt: inSeconds(60),
    sentTo: 'a•••@example.com',
  },
});

async function openDialog(
  routes: Parameters<typeof mockApi>[0] = {},
  { methods = ['totp', 'email', 'backup_code'] as MfaMethod[], expiresIn = 300 } = {},
) {
  const fetchMock = mockApi({
    'POST /api/auth/login': {
      body: { status: 'mfa_required', methods, expiresAt: inSeconds(expiresIn) },
    },
    'GET /api/auth/session': signedOut,
    ...routes,
  });
  const onAuthenticated = vi.fn();
  const rendered = renderWithProviders(
    <SignInForm onAuthenticated={onAuthenticated} onSetupRequired={vi.fn()} />,
  );
  const { user } = rendered;
  await user.type(screen.getByLabelText('Email'), 'ada@example.com');
  await user.type(screen.getByLabelText('Password'), 'correct horse battery');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  const dialog = await screen.findByRole('dialog', { name: 'Two-factor authentication' });
  return { ...rendered, fetchMock, onAuthenticated, dialog };
}

/** Matches the element whose whole text is `text`, however it is split into elements. */
function sentText(text: string | RegExp) {
  const matches = (value: string | null | undefined) =>
    typeof text === 'string' ? value === text : text.test(value ?? '');
  return (_: string, element: Element | null) =>
    matches(element?.textContent) &&
    ![...(element?.children ?? [])].some((child) => matches(child.textContent));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Second factor methods', () => {
  it('offers only the methods the account has', async () => {
    const { dialog } = await openDialog({}, { methods: ['totp', 'backup_code'] });

    const others = within(dialog).getByRole('navigation', { name: 'Other ways to verify' });
    expect(within(others).getByRole('button', { name: 'Use a backup code' })).toBeInTheDocument();
    expect(within(others).queryByRole('button', { name: 'Email me a code' })).toBeNull();
  });

  it('emails a code on "Email me a code", counts down to Resend code and verifies with it', async () => {
    const { user, dialog, fetchMock, onAuthenticated } = await openDialog({
      'POST /api/auth/mfa/email': emailSent(),
      'POST /api/auth/mfa/verify': authenticated,
    });

    await user.click(within(dialog).getByRole('button', { name: 'Email me a code' }));

    expect(
      await within(dialog).findByText(sentText('We sent a code to a•••@example.com.')),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/mfa/email')).toHaveLength(1);
    // One deadline: the attempt ends before the code (5 min against 10), so only it is shown.
    expect(within(dialog).getAllByText(/expires in/)).toHaveLength(1);
    expect(
      within(dialog).getByText(sentText(/^This sign-in attempt expires in (5:00|4:5\d)$/)),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: /^Resend code in (1:00|0:5\d)$/ }),
    ).toBeDisabled();
    expect(dialog).toHaveAccessibleDescription('Enter the 6-digit code we email you.');

    const code = within(dialog).getByRole('textbox', { name: 'Email code' });
    await waitFor(() => expect(code).toHaveFocus());
    await user.type(code, '246810');

    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalledWith(testUser));
    expect(callsTo(fetchMock, 'POST /api/auth/mfa/verify')[0]?.body).toEqual({
      method: 'email',
      code: '246810',
    });
  });

  it('points at the resend button by its name when an emailed code has expired', async () => {
    const { user, dialog } = await openDialog({
      'POST /api/auth/mfa/email': {
        body: { ...emailSent().body, resendAvailableAt: inSeconds(-1) },
      },
      'POST /api/auth/mfa/verify': {
        status: 400,
        body: { code: 'CODE_EXPIRED', message: 'That code has expired.' },
      },
    });

    await user.click(within(dialog).getByRole('button', { name: 'Email me a code' }));
    await user.type(await within(dialog).findByRole('textbox', { name: 'Email code' }), '246810');

    const code = within(dialog).getByRole('textbox', { name: 'Email code' });
    await vi.waitFor(() =>
      expect(code).toHaveAccessibleDescription(
        'That code has expired. Send a new one with “Resend code”.',
      ),
    );
    expect(within(dialog).getByRole('button', { name: 'Resend code' })).toBeEnabled();
  });

  it('follows the server when a resend comes too soon', async () => {
    const { user, dialog, fetchMock } = await openDialog({
      'POST /api/auth/mfa/email': [
        { body: { ...emailSent().body, resendAvailableAt: inSeconds(-1) } },
        {
          status: 429,
          body: { code: 'RESEND_TOO_SOON', message: 'Please wait.', retryAfter: 42 },
        },
      ],
    });

    await user.click(within(dialog).getByRole('button', { name: 'Email me a code' }));
    await user.click(await within(dialog).findByRole('button', { name: 'Resend code' }));

    expect(
      await within(dialog).findByRole('button', { name: /^Resend code in 0:4[12]$/ }),
    ).toBeDisabled();
    // The countdown already says it: no error alert on top.
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/mfa/email')).toHaveLength(2);
  });

  it('says a resent code replaces the previous one', async () => {
    const { user, dialog, fetchMock } = await openDialog({
      'POST /api/auth/mfa/email': [
        { body: { ...emailSent().body, resendAvailableAt: inSeconds(-1) } },
        emailSent(),
      ],
    });

    await user.click(within(dialog).getByRole('button', { name: 'Email me a code' }));
    expect(
      await within(dialog).findByText(sentText('We sent a code to a•••@example.com.')),
    ).toBeInTheDocument();
    await user.click(await within(dialog).findByRole('button', { name: 'Resend code' }));

    expect(
      await within(dialog).findByText(
        sentText('We sent a new code to a•••@example.com. The previous one no longer works.'),
      ),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/mfa/email')).toHaveLength(2);
  });

  it('does not email another code when coming back to email codes', async () => {
    const { user, dialog, fetchMock } = await openDialog({
      'POST /api/auth/mfa/email': emailSent(),
    });

    await user.click(within(dialog).getByRole('button', { name: 'Email me a code' }));
    await within(dialog).findByText(sentText('We sent a code to a•••@example.com.'));
    await user.click(within(dialog).getByRole('button', { name: 'Use your authenticator app' }));
    await user.click(within(dialog).getByRole('button', { name: 'Email me a code' }));

    expect(
      await within(dialog).findByText(sentText('We sent a code to a•••@example.com.')),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/mfa/email')).toHaveLength(1);
  });

  it('asks to start again when the attempt is over by the time a code is emailed', async () => {
    const { user, dialog } = await openDialog({
      'POST /api/auth/mfa/email': {
        status: 401,
        body: { code: 'CHALLENGE_REQUIRED', message: 'Your sign-in attempt has expired.' },
      },
    });

    await user.click(within(dialog).getByRole('button', { name: 'Email me a code' }));

    expect(await within(dialog).findByText('This sign-in attempt expired')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Start again' })).toBeInTheDocument();
  });

  it('starts the backup code field empty and without the last error', async () => {
    const { user, dialog, fetchMock } = await openDialog();
    const code = within(dialog).getByRole('textbox', { name: 'Authentication code' });
    await user.type(code, '12');
    await user.click(within(dialog).getByRole('button', { name: 'Verify' }));
    expect(code).toHaveAttribute('aria-invalid', 'true');

    await user.click(within(dialog).getByRole('button', { name: 'Use a backup code' }));

    const field = within(dialog).getByRole('textbox', { name: 'Backup code' });
    expect(field).toHaveValue('');
    expect(field).not.toHaveAttribute('aria-invalid');
    expect(callsTo(fetchMock, 'POST /api/auth/mfa/verify')).toHaveLength(0);
  });

  it('shows the attempts left for a wrong emailed code', async () => {
    const { user, dialog } = await openDialog({
      'POST /api/auth/mfa/email': emailSent(),
      'POST /api/auth/mfa/verify': {
        status: 400,
        body: { code: 'INVALID_CODE', message: 'That code is not valid.', attemptsLeft: 1 },
      },
    });

    await user.click(within(dialog).getByRole('button', { name: 'Email me a code' }));
    const code = await within(dialog).findByRole('textbox', { name: 'Email code' });
    await user.type(code, '999999');

    await waitFor(() => expect(code).toHaveAccessibleDescription(/1 attempt left\.$/));
    expect(code).toHaveValue('');
  });

  it('verifies a backup code typed any which way', async () => {
    const { user, dialog, fetchMock, onAuthenticated } = await openDialog({
      'POST /api/auth/mfa/verify': authenticated,
    });

    await user.click(within(dialog).getByRole('button', { name: 'Use a backup code' }));
    const field = within(dialog).getByRole('textbox', { name: 'Backup code' });
    await waitFor(() => expect(field).toHaveFocus());
    await user.type(field, ' ABCDE 12345 ');
    await user.click(within(dialog).getByRole('button', { name: 'Verify' }));

    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalled());
    expect(callsTo(fetchMock, 'POST /api/auth/mfa/verify')[0]?.body).toEqual({
      method: 'backup_code',
      code: 'abcde-12345',
    });
  });

  it('does not send something that cannot be a backup code', async () => {
    const { user, dialog, fetchMock } = await openDialog();

    await user.click(within(dialog).getByRole('button', { name: 'Use a backup code' }));
    const field = within(dialog).getByRole('textbox', { name: 'Backup code' });
    await user.type(field, 'abc{Enter}');

    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(/^Enter a 10-character backup code/);
    expect(callsTo(fetchMock, 'POST /api/auth/mfa/verify')).toHaveLength(0);
  });

  it('says when the emailed code has expired', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { user, dialog } = await openDialog(
      {
        'POST /api/auth/mfa/email': {
          body: { ...emailSent().body, expiresAt: inSeconds(90) },
        },
      },
      { expiresIn: 300 },
    );

    await user.click(within(dialog).getByRole('button', { name: 'Email me a code' }));
    expect(
      await within(dialog).findByText(sentText(/^The code expires in 1:[23]\d$/)),
    ).toBeInTheDocument();
    expect(within(dialog).getAllByText(/expires in/)).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(91_000));

    expect(within(dialog).getByText('The code has expired. Send a new one.')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Resend code' })).toBeEnabled();
  });

  it('counts the sign-in attempt down and says when it has expired', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { user, dialog } = await openDialog({}, { expiresIn: 125 });

    expect(within(dialog).getByText(/This sign-in attempt expires in/)).toHaveTextContent(
      /2:0[45]$/,
    );
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(within(dialog).getByText(/This sign-in attempt expires in/)).toHaveTextContent(
      /1:0[45]$/,
    );
    await act(() => vi.advanceTimersByTimeAsync(66_000));

    expect(within(dialog).getByText('This sign-in attempt expired')).toBeInTheDocument();
    expect(within(dialog).queryByRole('textbox')).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Start again' }));

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveFocus();
  });
});
