import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { FactorConfirmResponse, TotpEnrollResponse } from '@twofold/mfa-core/contracts';
import { ToastProvider } from '../src/components/ui/toast';
import { SetupWizard } from '../src/features/mfa-setup/components/setup-wizard';
import {
  activeFactor,
  callsTo,
  confirmItsYou,
  inSeconds,
  mfaStatusReply,
  mockApi,
  reauthenticated,
  renderWithProviders,
  stepUpRequired,
  type Reply,
} from './utils';

// Adding a method asks "Confirm it's you" unless it is the account's first one in a session
// signed in minutes ago; the wizard then carries on with the same request by itself.

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const CODES = Array.from({ length: 10 }, (_, i) => `a${i}b2c-d${i}e4f`);

const enrollment: Reply = {
  status: 201,
  body: {
    factorId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    secret: SECRET,
    otpauthUri: `otpauth://totp/Twofold:ada%40example.com?secret=${SECRET}&issuer=Twofold`,
    qrCode: 'data:image/png;base64,iVBORw0KGgo=',
  } satisfies TotpEnrollResponse,
};

const emailSent: Reply = {
  status: 201,
  body: {
    factorId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    status: 'sent',
    expiresAt: inSeconds(600),
    resendAvailableAt: inSeconds(60),
  },
};

function confirmed(type: 'totp' | 'email', backupCodes?: string[]): Reply {
  return {
    body: {
      factor: activeFactor(type),
      ...(backupCodes ? { backupCodes } : {}),
    } satisfies FactorConfirmResponse,
  };
}

/** An account whose authenticator app is on: "Confirm it's you" asks for its code. */
const withAuthenticator = mfaStatusReply({
  enabled: true,
  backupCodesRemaining: 10,
  factors: [activeFactor('totp')],
});

function renderWizard() {
  return renderWithProviders(
    <ToastProvider>
      <SetupWizard email="ada@example.com" enrollOnly={false} />
    </ToastProvider>,
    { path: '/setup' },
  );
}

type User = ReturnType<typeof renderWizard>['user'];

async function choose(user: User, method: 'Authenticator app' | 'Email codes') {
  await user.click(await screen.findByRole('radio', { name: method }));
  await user.click(screen.getByRole('button', { name: 'Continue' }));
}

async function typeCode(user: User, name: RegExp, code: string) {
  await user.type(screen.getByRole('textbox', { name }), code);
}

describe('SetupWizard: step-up', () => {
  it('confirms it is you before emailing a code for a second method, with one code in all', async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': withAuthenticator,
      'POST /api/mfa/email': [stepUpRequired, emailSent],
      'POST /api/auth/reauthenticate': reauthenticated,
      'POST /api/mfa/email/confirm': confirmed('email'),
    });
    const { user, location } = renderWizard();

    await choose(user, 'Email codes');
    await confirmItsYou(user, { code: '654321' });

    expect(await screen.findByRole('heading', { name: 'Check your email' })).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')[0]?.body).toEqual({
      password: 'correct horse battery',
      method: 'totp',
      code: '654321',
    });
    expect(callsTo(fetchMock, 'POST /api/mfa/email')).toHaveLength(2);

    // The window is open now: the emailed code finishes it, with no second identity check.
    await typeCode(user, /code from the email/i, '246810');
    expect(await screen.findByText('Email codes added.')).toBeInTheDocument();
    expect(location.history.at(-1)).toBe('/settings/security');
    expect(callsTo(fetchMock, 'POST /api/mfa/email/confirm').map((call) => call.body)).toEqual([
      { code: '246810' },
    ]);
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')).toHaveLength(1);
  });

  it('asks only for the password before a first authenticator in an older session', async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/totp': [stepUpRequired, enrollment],
      'POST /api/auth/reauthenticate': reauthenticated,
    });
    const { user } = renderWizard();

    await choose(user, 'Authenticator app');
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    expect(await within(dialog).findByLabelText('Password')).toBeInTheDocument();
    expect(within(dialog).queryByRole('textbox')).not.toBeInTheDocument();
    await confirmItsYou(user);

    expect(
      await screen.findByRole('heading', { name: 'Connect your authenticator app' }),
    ).toBeInTheDocument();
    expect(screen.getByText('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')[0]?.body).toEqual({
      password: 'correct horse battery',
    });
    expect(callsTo(fetchMock, 'POST /api/mfa/totp')).toHaveLength(2);
  });

  it("sends the new app's code again once it is you: the check did not spend it", async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/totp': enrollment,
      // The window closed between the start and the confirmation.
      'POST /api/mfa/totp/confirm': [stepUpRequired, confirmed('totp', CODES)],
      'POST /api/auth/reauthenticate': reauthenticated,
    });
    const { user } = renderWizard();

    await choose(user, 'Authenticator app');
    await screen.findByRole('heading', { name: 'Connect your authenticator app' });
    await typeCode(user, /code from the app/i, '123456');
    await confirmItsYou(user);

    expect(
      await screen.findByRole('heading', { name: 'Save your backup codes' }),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/mfa/totp/confirm').map((call) => call.body)).toEqual([
      { code: '123456' },
      { code: '123456' },
    ]);
  });

  it('confirms email codes after the check with the emailed code, not the app code it spent', async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': withAuthenticator,
      'POST /api/mfa/email': emailSent,
      'POST /api/mfa/email/confirm': [stepUpRequired, confirmed('email')],
      'POST /api/auth/reauthenticate': reauthenticated,
    });
    const { user } = renderWizard();

    await choose(user, 'Email codes');
    await screen.findByRole('heading', { name: 'Check your email' });
    await typeCode(user, /code from the email/i, '246810');
    await confirmItsYou(user, { code: '654321' });

    expect(await screen.findByText('Email codes added.')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/mfa/email/confirm').map((call) => call.body)).toEqual([
      { code: '246810' },
      { code: '246810' },
    ]);
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')[0]?.body).toMatchObject({
      method: 'totp',
      code: '654321',
    });
  });

  it('stays on the choice, with nothing to report, when the check is cancelled', async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': withAuthenticator,
      'POST /api/mfa/email': stepUpRequired,
    });
    const { user } = renderWizard();

    await choose(user, 'Email codes');
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.click(await within(dialog).findByRole('button', { name: 'Cancel' }));

    await expect.poll(() => screen.queryByRole('dialog', { name: 'Confirm it’s you' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Choose another method' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Continue' })).toBeEnabled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/mfa/email')).toHaveLength(1);
    expect(callsTo(fetchMock, 'POST /api/auth/reauthenticate')).toHaveLength(0);
  });

  it('keeps the typed app code when the check is cancelled at the confirmation', async () => {
    mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/totp': enrollment,
      'POST /api/mfa/totp/confirm': stepUpRequired,
    });
    const { user } = renderWizard();

    await choose(user, 'Authenticator app');
    await screen.findByRole('heading', { name: 'Connect your authenticator app' });
    await typeCode(user, /code from the app/i, '123456');
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' });
    await user.click(await within(dialog).findByRole('button', { name: 'Cancel' }));

    await expect.poll(() => screen.queryByRole('dialog', { name: 'Confirm it’s you' })).toBeNull();
    const field = screen.getByRole('textbox', { name: /code from the app/i });
    expect(field).toHaveValue('123456');
    expect(field).not.toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
