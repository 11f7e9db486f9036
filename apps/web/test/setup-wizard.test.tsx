import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FactorConfirmResponse, TotpEnrollResponse } from '@twofold/mfa-core/contracts';
import { ToastProvider } from '../src/components/ui/toast';
import { useSession } from '../src/features/auth/api/get-session';
import { SetupWizard } from '../src/features/mfa-setup/components/setup-wizard';
import {
  activeFactor,
  callsTo,
  inSeconds,
  mfaStatusReply,
  mockApi,
  renderWithProviders,
  type Reply,
} from './utils';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const CODES = Array.from({ length: 10 }, (_, i) => `a${i}b2c-d${i}e4f`);

const enrollment: Reply = {
  status: 201,
  body: {
    factorId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    secret: SECRET,
    otpauthUri: `otpauth://totp/Twofold:ada%40example.com?secret=${SECRET}&issuer=Twofold&algorithm=SHA1&digits=6&period=30`,
    qrCode: 'data:image/png;base64,iVBORw0KGgo=',
  } satisfies TotpEnrollResponse,
};

function confirmed(type: 'totp' | 'email', backupCodes?: string[]): Reply {
  return {
    body: {
      factor: activeFactor(type),
      ...(backupCodes ? { backupCodes } : {}),
    } satisfies FactorConfirmResponse,
  };
}

/** Something else on screen that reads the session, as the app's route guards do. */
function SessionReader() {
  useSession();
  return null;
}

function renderWizard(enrollOnly = false) {
  return renderWithProviders(
    <ToastProvider>
      {enrollOnly && <SessionReader />}
      <SetupWizard email="ada@example.com" enrollOnly={enrollOnly} />
    </ToastProvider>,
    { path: '/setup' },
  );
}

/** jsdom's Blob has no text(); FileReader reads it the older way. */
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsText(blob);
  });
}

type User = ReturnType<typeof renderWizard>['user'];

/** The wizard's API, with the confirmation of the app refused with `code`. */
function refusingConfirm(code: string, message: string) {
  return mockApi({
    'GET /api/mfa': mfaStatusReply(),
    'POST /api/mfa/totp': enrollment,
    'POST /api/mfa/totp/confirm': { status: 400, body: { code, message } },
  });
}

async function startTotp(user: User) {
  await screen.findByRole('radio', { name: 'Authenticator app' });
  await user.click(screen.getByRole('button', { name: 'Continue' }));
  await screen.findByRole('heading', { name: 'Connect your authenticator app' });
}

async function enterCode(user: User, code = '123456') {
  // Six digits are a whole code: the step sends it without a click, like the sign-in modal.
  await user.type(screen.getByRole('textbox', { name: /code/i }), code);
}

describe('SetupWizard: choosing a method', () => {
  it('recommends the authenticator app and starts the chosen method', async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/email': {
        status: 201,
        body: {
          factorId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
          status: 'sent',
          expiresAt: inSeconds(600),
          resendAvailableAt: inSeconds(60),
        },
      },
    });
    const { user } = renderWizard();

    const app = await screen.findByRole('radio', { name: 'Authenticator app' });
    expect(app).toBeChecked();
    expect(app).toHaveAccessibleDescription(/authenticator/i);
    expect(screen.getByText('Recommended')).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: 'Email codes' }));
    await user.click(screen.getByRole('button', { name: 'Continue' }));

    expect(await screen.findByRole('heading', { name: 'Check your email' })).toHaveFocus();
    expect(callsTo(fetchMock, 'POST /api/mfa/email')).toHaveLength(1);
    expect(callsTo(fetchMock, 'POST /api/mfa/totp')).toHaveLength(0);
  });

  it('says when a method is already set up and offers the other one', async () => {
    mockApi({
      'GET /api/mfa': mfaStatusReply({
        enabled: true,
        backupCodesRemaining: 10,
        factors: [activeFactor('totp')],
      }),
    });
    renderWizard();

    await screen.findByText('Already set up');
    const app = screen.getByRole('radio', { name: 'Authenticator app' });
    expect(app).toBeDisabled();
    expect(app).toHaveAccessibleDescription(/already set up/i);
    expect(screen.getByRole('radio', { name: 'Email codes' })).toBeChecked();
  });
});

describe('SetupWizard: authenticator app', () => {
  it('shows the QR code and the key in blocks of 4, and copies the key', async () => {
    mockApi({ 'GET /api/mfa': mfaStatusReply(), 'POST /api/mfa/totp': enrollment });
    const { user } = renderWizard();
    await startTotp(user);

    const qr = screen.getByRole('img', { name: /QR code to add ada@example.com/ });
    expect(qr).toHaveAttribute('src', 'data:image/png;base64,iVBORw0KGgo=');
    expect(screen.getByText('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')).toBeInTheDocument();
    expect(screen.getByText('Twofold')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Copy key' }));

    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(await screen.findByText('Key copied')).toBeInTheDocument();
  });

  it('sends the code and explains phone clocks when it is refused', async () => {
    const fetchMock = refusingConfirm('INVALID_CODE', 'That code did not match.');
    const { user } = renderWizard();
    await startTotp(user);

    await enterCode(user, '654321');

    const field = screen.getByRole('textbox', { name: /code/i });
    await vi.waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription(/make sure your phone sets its clock automatically/);
    expect(callsTo(fetchMock, 'POST /api/mfa/totp/confirm')[0]?.body).toEqual({
      code: '654321',
    });
  });

  it('asks for all six digits before sending anything', async () => {
    const fetchMock = mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/totp': enrollment,
    });
    const { user } = renderWizard();
    await startTotp(user);

    await enterCode(user, '123');
    await user.click(screen.getByRole('button', { name: 'Verify and continue' }));

    const field = screen.getByRole('textbox', { name: /code/i });
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(
      'Enter the 6-digit code shown in your authenticator app.',
    );
    expect(callsTo(fetchMock, 'POST /api/mfa/totp/confirm')).toHaveLength(0);
  });

  it('empties the field after a refused code, ready for the next one', async () => {
    refusingConfirm('CODE_ALREADY_USED', 'That code has already been used.');
    const { user } = renderWizard();
    await startTotp(user);

    await enterCode(user, '654321');

    const field = screen.getByRole('textbox', { name: /code/i });
    await vi.waitFor(() =>
      expect(field).toHaveAccessibleDescription(
        'That code was just used. Wait for the app to show the next one.',
      ),
    );
    expect(field).toHaveValue('');
  });

  it('counts two steps when a second method is added', async () => {
    mockApi({
      'GET /api/mfa': mfaStatusReply({
        enabled: true,
        backupCodesRemaining: 10,
        factors: [activeFactor('email')],
      }),
      'POST /api/mfa/totp': enrollment,
    });
    const { user } = renderWizard();
    await startTotp(user);

    expect(screen.getByText('Step 2 of 2')).toBeInTheDocument();
    const progress = screen.getByRole('list', { name: 'Setup progress' });
    expect(within(progress).getAllByRole('listitem')).toHaveLength(2);
    expect(within(progress).queryByText('Save backup codes')).not.toBeInTheDocument();
  });

  it('speaks of adding another method once two-factor is on, and names step 2 after what is left', async () => {
    mockApi({
      'GET /api/mfa': mfaStatusReply({
        enabled: true,
        backupCodesRemaining: 10,
        factors: [activeFactor('totp')],
      }),
    });
    renderWizard();

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Add a two-factor method' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Add a two-factor method · Twofold'));
    expect(screen.getByRole('heading', { name: 'Choose another method' })).toBeInTheDocument();
    const progress = screen.getByRole('list', { name: 'Setup progress' });
    expect(within(progress).getByText('Verify your email')).toBeInTheDocument();
    expect(within(progress).queryByText('Connect your app')).not.toBeInTheDocument();
    expect(screen.queryByText(/set up two-factor/i)).not.toBeInTheDocument();
  });

  it('names the first setup as such, and step 2 after the method picked', async () => {
    mockApi({ 'GET /api/mfa': mfaStatusReply() });
    const { user } = renderWizard();

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Set up two-factor authentication' }),
    ).toBeInTheDocument();
    const progress = screen.getByRole('list', { name: 'Setup progress' });
    expect(within(progress).getByText('Connect your app')).toBeInTheDocument();
    await user.click(await screen.findByRole('radio', { name: 'Email codes' }));
    expect(within(progress).getByText('Verify your email')).toBeInTheDocument();
  });

  it('finishes with a toast and no backup codes when a second method is added', async () => {
    mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/totp': enrollment,
      'POST /api/mfa/totp/confirm': confirmed('totp'),
    });
    const { user, location } = renderWizard();
    await startTotp(user);
    await enterCode(user);

    expect(await screen.findByText('Authenticator app added.')).toBeInTheDocument();
    expect(location.history.at(-1)).toBe('/settings/security');
    expect(screen.queryByRole('list', { name: 'Backup codes' })).not.toBeInTheDocument();
  });
});

describe('SetupWizard: backup codes', () => {
  beforeEach(() => {
    Object.defineProperty(URL, 'createObjectURL', {
      configurable: true,
      writable: true,
      value: vi.fn(() => 'blob:backup-codes'),
    });
    Object.defineProperty(URL, 'revokeObjectURL', {
      configurable: true,
      writable: true,
      value: vi.fn(),
    });
  });

  async function reachCodes(enrollOnly = false) {
    const fetchMock = mockApi({
      'GET /api/mfa': mfaStatusReply(),
      'POST /api/mfa/totp': enrollment,
      'POST /api/mfa/totp/confirm': confirmed('totp', CODES),
      'GET /api/auth/session': { status: 401, body: { code: 'UNAUTHENTICATED', message: 'x' } },
    });
    const rendered = renderWizard(enrollOnly);
    await startTotp(rendered.user);
    await enterCode(rendered.user);
    await screen.findByRole('heading', { name: 'Save your backup codes' });
    return { ...rendered, fetchMock };
  }

  it('shows all 10 codes and enables Finish only once they are saved', async () => {
    const { user, location } = await reachCodes();

    const list = screen.getByRole('list', { name: 'Backup codes' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(CODES);
    const finish = screen.getByRole('button', { name: 'Finish' });
    expect(finish).toBeDisabled();

    await user.click(screen.getByRole('checkbox', { name: 'I have saved these codes' }));
    expect(finish).toBeEnabled();
    await user.click(finish);

    expect(await screen.findByText('Two-factor authentication is on.')).toBeInTheDocument();
    expect(location.history.at(-1)).toBe('/settings/security');
  });

  it('asks before the page is left until the codes are saved', async () => {
    const { user } = await reachCodes();
    const leave = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };

    expect(leave()).toBe(true);
    await user.click(screen.getByRole('checkbox', { name: 'I have saved these codes' }));
    expect(leave()).toBe(false);
  });

  it('downloads the codes as a text file', async () => {
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const { user } = await reachCodes();

    await user.click(screen.getByRole('button', { name: 'Download' }));

    const createObjectURL = vi.mocked(URL.createObjectURL);
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    const blob = createObjectURL.mock.calls[0]?.[0] as Blob;
    expect(blob).toBeInstanceOf(Blob);
    const text = await readBlob(blob);
    expect(text).toMatch(/^Twofold backup codes for ada@example.com\nGenerated \d{4}-\d\d-\d\d\n/);
    for (const code of CODES) expect(text).toContain(`\n${code}\n`);
    const link = click.mock.contexts[0] as HTMLAnchorElement;
    expect(link.download).toBe('twofold-backup-codes.txt');
    expect(link.href).toBe('blob:backup-codes');
  });

  it('copies all codes, one per line', async () => {
    const { user } = await reachCodes();

    await user.click(screen.getByRole('button', { name: 'Copy codes' }));

    expect(await navigator.clipboard.readText()).toBe(CODES.join('\n'));
    expect(await screen.findByText('Backup codes copied')).toBeInTheDocument();
  });

  it('prints', async () => {
    const print = vi.fn();
    vi.stubGlobal('print', print);
    const { user } = await reachCodes();

    await user.click(screen.getByRole('button', { name: 'Print' }));

    expect(print).toHaveBeenCalledTimes(1);
  });

  it('leads an enroll-only session home once the codes are saved', async () => {
    const { user, location, fetchMock } = await reachCodes(true);
    expect(
      screen.queryByText('Your organisation requires two-factor authentication'),
    ).not.toBeInTheDocument();

    const sessionReads = () => callsTo(fetchMock, 'GET /api/auth/session').length;
    const before = sessionReads();

    await user.click(screen.getByRole('checkbox', { name: 'I have saved these codes' }));
    await user.click(screen.getByRole('button', { name: 'Finish' }));

    await vi.waitFor(() => expect(location.history.at(-1)).toBe('/'));
    // The session is asked for again, so the app stops treating it as enroll-only.
    expect(sessionReads()).toBeGreaterThan(before);
  });
});
