import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { RegisterForm } from '../src/features/auth/components/register-form';
import { formatTime } from '../src/lib/format';
import {
  callsTo,
  expectCodeResent,
  inSeconds,
  mockApi,
  renderWithProviders,
  testUser,
} from './utils';

/** The server's answer that a code was mailed: register's 201, or resend's 200. */
const verificationRequired = ({ expiresIn = 900, resendIn = 60, status = 201 } = {}) => ({
  status,
  body: {
    status: 'verification_required',
    expiresAt: inSeconds(expiresIn),
    resendAvailableAt: inSeconds(resendIn),
  },
});

async function fillAndSubmit(user: ReturnType<typeof renderWithProviders>['user']) {
  await user.type(screen.getByLabelText('Email'), 'ada@example.com');
  await user.type(screen.getByLabelText('Password'), 'correct horse battery');
  await user.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('RegisterForm', () => {
  it('creates the account, asks for the emailed code and signs in with it', async () => {
    const fetchMock = mockApi({
      'POST /api/auth/register': verificationRequired(),
      'POST /api/auth/register/verify': { body: { status: 'authenticated', user: testUser } },
      'GET /api/auth/session': {
        status: 401,
        body: { code: 'UNAUTHENTICATED', message: 'Please sign in.' },
      },
    });
    const onAuthenticated = vi.fn();
    const { user } = renderWithProviders(
      <RegisterForm onAuthenticated={onAuthenticated} onSetupRequired={vi.fn()} />,
    );

    await fillAndSubmit(user);

    expect(await screen.findByRole('heading', { name: 'Check your email' })).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/register')[0]?.body).toEqual({
      email: 'ada@example.com',
      password: 'correct horse battery',
    });

    // The sixth digit sends the code: no Verify to press, and it goes once.
    await user.type(screen.getByRole('textbox', { name: 'Verification code' }), '123456');

    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalledWith(testUser));
    expect(callsTo(fetchMock, 'POST /api/auth/register/verify')).toHaveLength(1);
    expect(callsTo(fetchMock, 'POST /api/auth/register/verify')[0]?.body).toEqual({
      code: '123456',
    });
  });

  it('picks the code step up again after a reload while the code still works', async () => {
    const fetchMock = mockApi({
      'POST /api/auth/register': verificationRequired(),
      'POST /api/auth/register/verify': { body: { status: 'authenticated', user: testUser } },
    });
    const first = renderWithProviders(
      <RegisterForm onAuthenticated={vi.fn()} onSetupRequired={vi.fn()} />,
    );
    await fillAndSubmit(first.user);
    await screen.findByRole('heading', { name: 'Check your email' });
    first.unmount(); // what a reload does to the page; its history entry stays

    const onAuthenticated = vi.fn();
    const { user } = renderWithProviders(
      <RegisterForm onAuthenticated={onAuthenticated} onSetupRequired={vi.fn()} />,
    );

    expect(screen.getByRole('heading', { name: 'Check your email' })).toBeInTheDocument();
    expect(screen.getByText('ada@example.com')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(/The page was reloaded/);
    await user.type(screen.getByRole('textbox', { name: 'Verification code' }), '654321');
    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalledWith(testUser));
    expect(callsTo(fetchMock, 'POST /api/auth/register')).toHaveLength(1);
  });

  it('says why the form is back when the code expired before the reload, once', async () => {
    mockApi({ 'POST /api/auth/register': verificationRequired({ expiresIn: -1 }) });
    const first = renderWithProviders(
      <RegisterForm onAuthenticated={vi.fn()} onSetupRequired={vi.fn()} />,
    );
    await fillAndSubmit(first.user);
    await screen.findByRole('heading', { name: 'Check your email' });
    first.unmount();

    const second = renderWithProviders(
      <RegisterForm onAuthenticated={vi.fn()} onSetupRequired={vi.fn()} />,
    );
    expect(screen.getByRole('heading', { name: 'Create your account' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your code expired');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    second.unmount();

    renderWithProviders(<RegisterForm onAuthenticated={vi.fn()} onSetupRequired={vi.fn()} />);
    expect(screen.queryByText('Your code expired')).toBeNull();
  });

  it('does not send an incomplete code', async () => {
    const fetchMock = mockApi({ 'POST /api/auth/register': verificationRequired() });
    const { user } = renderWithProviders(
      <RegisterForm onAuthenticated={vi.fn()} onSetupRequired={vi.fn()} />,
    );
    await fillAndSubmit(user);

    const code = await screen.findByRole('textbox', { name: 'Verification code' });
    await user.type(code, '123');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(code).toHaveAttribute('aria-invalid', 'true');
    expect(code).toHaveAccessibleDescription('Enter the 6-digit code from the email.');
    expect(callsTo(fetchMock, 'POST /api/auth/register/verify')).toHaveLength(0);
  });

  it('shows a wrong code on the field with the attempts left', async () => {
    mockApi({
      'POST /api/auth/register': verificationRequired(),
      'POST /api/auth/register/verify': {
        status: 400,
        body: { code: 'INVALID_CODE', message: 'That code is not valid.', attemptsLeft: 2 },
      },
    });
    const onAuthenticated = vi.fn();
    const { user } = renderWithProviders(
      <RegisterForm onAuthenticated={onAuthenticated} onSetupRequired={vi.fn()} />,
    );
    await fillAndSubmit(user);

    const code = await screen.findByRole('textbox', { name: 'Verification code' });
    await user.type(code, '000000');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    await vi.waitFor(() => expect(code).toHaveAttribute('aria-invalid', 'true'));
    expect(code).toHaveAccessibleDescription(/That code is not right\..*2 attempts left\./);
    expect(onAuthenticated).not.toHaveBeenCalled();
  });

  it('counts down to "Resend code" and follows the server when it says to wait', async () => {
    const fetchMock = mockApi({
      'POST /api/auth/register': verificationRequired({ resendIn: -1 }),
      'POST /api/auth/register/resend': {
        status: 429,
        body: {
          code: 'RESEND_TOO_SOON',
          message: 'Please wait before requesting another code.',
          retryAfter: 42,
        },
      },
    });
    const { user } = renderWithProviders(
      <RegisterForm onAuthenticated={vi.fn()} onSetupRequired={vi.fn()} />,
    );
    await fillAndSubmit(user);

    await user.click(await screen.findByRole('button', { name: 'Resend code' }));

    const button = await screen.findByRole('button', { name: /^Resend code in 0:4[12]$/ });
    expect(button).toBeDisabled();
    expect(callsTo(fetchMock, 'POST /api/auth/register/resend')).toHaveLength(1);
  });

  it('resends the code: says the previous one no longer works, empties the field, shows the new expiry', async () => {
    const resent = verificationRequired({ expiresIn: 600, status: 200 });
    const fetchMock = mockApi({
      'POST /api/auth/register': verificationRequired({ expiresIn: 60, resendIn: -1 }),
      'POST /api/auth/register/resend': resent,
    });
    const { user } = renderWithProviders(
      <RegisterForm onAuthenticated={vi.fn()} onSetupRequired={vi.fn()} />,
    );
    await fillAndSubmit(user);
    const field = await screen.findByRole('textbox', { name: 'Verification code' });
    await user.type(field, '123');

    await user.click(screen.getByRole('button', { name: 'Resend code' }));

    await expectCodeResent(field);
    expect(
      screen.getByText(`It expires at ${formatTime(resent.body.expiresAt)}.`, { exact: false }),
    ).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/register/resend')).toHaveLength(1);
  });

  it('keeps "Resend code" disabled until the time the server gave', async () => {
    mockApi({
      'POST /api/auth/register': verificationRequired({ resendIn: 90 }),
    });
    const { user } = renderWithProviders(
      <RegisterForm onAuthenticated={vi.fn()} onSetupRequired={vi.fn()} />,
    );
    await fillAndSubmit(user);

    expect(
      await screen.findByRole('button', { name: /^Resend code in 1:(29|30)$/ }),
    ).toBeDisabled();
  });

  it('goes to setup when the new account must enroll a second factor first', async () => {
    mockApi({
      'POST /api/auth/register': verificationRequired(),
      'POST /api/auth/register/verify': {
        body: { status: 'mfa_setup_required', user: testUser, graceEndedAt: inSeconds(-1) },
      },
      'GET /api/auth/session': {
        status: 401,
        body: { code: 'UNAUTHENTICATED', message: 'Please sign in.' },
      },
    });
    const onAuthenticated = vi.fn();
    const onSetupRequired = vi.fn();
    const { user } = renderWithProviders(
      <RegisterForm onAuthenticated={onAuthenticated} onSetupRequired={onSetupRequired} />,
    );
    await fillAndSubmit(user);

    await user.type(await screen.findByRole('textbox', { name: 'Verification code' }), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    await vi.waitFor(() => expect(onSetupRequired).toHaveBeenCalled());
    expect(onAuthenticated).not.toHaveBeenCalled();
  });
});
