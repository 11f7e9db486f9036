import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '../src/components/ui/toast';
import { SetupWizard } from '../src/features/mfa-setup/components/setup-wizard';
import {
  activeFactor,
  callsTo,
  expectCodeResent,
  inSeconds,
  mfaStatusReply,
  mockApi,
  renderWithProviders,
  type Reply,
} from './utils';

const FACTOR_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const CODES = Array.from({ length: 10 }, (_, i) => `e${i}b2c-d${i}e4f`);

function sent(resendInSeconds: number): Reply {
  return {
    status: 201,
    body: {
      factorId: FACTOR_ID,
      status: 'sent',
      expiresAt: inSeconds(600),
      resendAvailableAt: inSeconds(resendInSeconds),
    },
  };
}

const confirmed: Reply = {
  body: {
    factor: activeFactor('email', FACTOR_ID),
    backupCodes: CODES,
  },
};

function renderWizard() {
  return renderWithProviders(
    <ToastProvider>
      <SetupWizard email="ada@example.com" enrollOnly={false} />
    </ToastProvider>,
    { path: '/setup' },
  );
}

async function chooseEmail(user: ReturnType<typeof renderWizard>['user']) {
  await user.click(await screen.findByRole('radio', { name: 'Email codes' }));
  await user.click(screen.getByRole('button', { name: 'Continue' }));
  await screen.findByRole('heading', { name: 'Check your email' });
}

describe('SetupWizard: email codes', () => {
  it('sends a code to the account address and confirms with it', async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/email': sent(60),
      'POST /api/mfa/email/confirm': confirmed,
    });
    const { user } = renderWizard();
    await chooseEmail(user);

    expect(screen.getByText('ada@example.com')).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'Code from the email' }), '246810');

    expect(
      await screen.findByRole('heading', { name: 'Save your backup codes' }),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/mfa/email/confirm')[0]?.body).toEqual({
      code: '246810',
    });
  });

  it('shows a wrong code on the field with the attempts left', async () => {
    mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/email': sent(60),
      'POST /api/mfa/email/confirm': {
        status: 400,
        body: { code: 'INVALID_CODE', message: 'That code is not valid.', attemptsLeft: 3 },
      },
    });
    const { user } = renderWizard();
    await chooseEmail(user);

    const field = screen.getByRole('textbox', { name: 'Code from the email' });
    await user.type(field, '000000');

    await vi.waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription(/3 attempts left\./);
  });

  it('counts down to "Resend code" and follows the server when it says to wait', async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/email': [
        sent(-1),
        {
          status: 429,
          body: { code: 'RESEND_TOO_SOON', message: 'Please wait.', retryAfter: 42 },
        },
      ],
    });
    const { user } = renderWizard();
    await chooseEmail(user);

    await user.click(screen.getByRole('button', { name: 'Resend code' }));

    const button = await screen.findByRole('button', { name: /^Resend code in 0:4[12]$/ });
    expect(button).toBeDisabled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/mfa/email')).toHaveLength(2);
  });

  it('says a resent code replaces the previous one and empties the field', async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/email': [sent(-1), sent(60)],
    });
    const { user } = renderWizard();
    await chooseEmail(user);
    const field = screen.getByRole('textbox', { name: 'Code from the email' });
    await user.type(field, '123');

    await user.click(screen.getByRole('button', { name: 'Resend code' }));

    await expectCodeResent(field);
    expect(callsTo(fetchMock, 'POST /api/mfa/email')).toHaveLength(2);
  });

  it('asks for the code already sent when a retried wizard is told to wait', async () => {
    mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/email': {
        status: 429,
        body: { code: 'RESEND_TOO_SOON', message: 'Please wait.', retryAfter: 30 },
      },
    });
    const { user } = renderWizard();
    await chooseEmail(user);

    expect(screen.getByRole('textbox', { name: 'Code from the email' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Resend code in 0:(29|30)$/ })).toBeDisabled();
  });
});
