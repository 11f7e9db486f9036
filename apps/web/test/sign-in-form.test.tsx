import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { SignInForm } from '../src/features/auth/components/sign-in-form';
import { callsTo, inSeconds, mockApi, renderWithProviders, testUser } from './utils';

async function submitCredentials(user: ReturnType<typeof renderWithProviders>['user']) {
  await user.type(screen.getByLabelText('Email'), 'ada@example.com');
  await user.type(screen.getByLabelText('Password'), 'correct horse battery');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignInForm', () => {
  it('posts the credentials as JSON with the session cookie', async () => {
    const fetchMock = mockApi({
      'POST /api/auth/login': { body: { status: 'authenticated', user: testUser } },
      'GET /api/auth/session': {
        status: 401,
        body: { code: 'UNAUTHENTICATED', message: 'Please sign in.' },
      },
    });
    const onAuthenticated = vi.fn();
    const { user } = renderWithProviders(
      <SignInForm onAuthenticated={onAuthenticated} onSetupRequired={vi.fn()} />,
    );

    await submitCredentials(user);

    await vi.waitFor(() => expect(onAuthenticated).toHaveBeenCalledWith(testUser));
    const [call] = callsTo(fetchMock, 'POST /api/auth/login');
    expect(call?.body).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
    expect(call?.init?.credentials).toBe('same-origin');
    expect(new Headers(call?.init?.headers).get('Content-Type')).toBe('application/json');
  });

  it('says so when the email or password is wrong', async () => {
    mockApi({
      'POST /api/auth/login': {
        status: 401,
        body: { code: 'INVALID_CREDENTIALS', message: 'The email or password is incorrect.' },
      },
    });
    const onAuthenticated = vi.fn();
    const { user } = renderWithProviders(
      <SignInForm onAuthenticated={onAuthenticated} onSetupRequired={vi.fn()} />,
    );

    await submitCredentials(user);

    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect email or password.');
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(onAuthenticated).not.toHaveBeenCalled();
  });

  it('asks for the emailed code when the address is not verified yet', async () => {
    mockApi({
      'POST /api/auth/login': {
        body: {
          status: 'verification_required',
          expiresAt: inSeconds(600),
          resendAvailableAt: inSeconds(60),
        },
      },
    });
    const { user } = renderWithProviders(
      <SignInForm onAuthenticated={vi.fn()} onSetupRequired={vi.fn()} />,
    );

    await submitCredentials(user);

    expect(
      await screen.findByRole('heading', { name: 'Verify your email to sign in' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Verification code' })).toHaveAttribute(
      'autocomplete',
      'one-time-code',
    );
    expect(screen.getByText('ada@example.com')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Resend code in/ })).toBeDisabled();
  });

  it('opens the second-step dialog over the form when a second factor is due', async () => {
    mockApi({
      'POST /api/auth/login': {
        body: { status: 'mfa_required', methods: ['totp'], expiresAt: inSeconds(300) },
      },
    });
    const onAuthenticated = vi.fn();
    const { user } = renderWithProviders(
      <SignInForm onAuthenticated={onAuthenticated} onSetupRequired={vi.fn()} />,
    );

    await submitCredentials(user);

    expect(
      await screen.findByRole('dialog', { name: 'Two-factor authentication' }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(onAuthenticated).not.toHaveBeenCalled();
  });

  it('goes to setup when policy requires MFA and the grace period is over', async () => {
    mockApi({
      'POST /api/auth/login': {
        body: { status: 'mfa_setup_required', user: testUser, graceEndedAt: inSeconds(-60) },
      },
      'GET /api/auth/session': {
        status: 401,
        body: { code: 'UNAUTHENTICATED', message: 'Please sign in.' },
      },
    });
    const onAuthenticated = vi.fn();
    const onSetupRequired = vi.fn();
    const { user } = renderWithProviders(
      <SignInForm onAuthenticated={onAuthenticated} onSetupRequired={onSetupRequired} />,
    );

    await submitCredentials(user);

    await vi.waitFor(() => expect(onSetupRequired).toHaveBeenCalled());
    expect(onAuthenticated).not.toHaveBeenCalled();
  });
});
