import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRouter } from '../src/app/router';
import { callsTo, mockApi, renderWithProviders, testUser } from './utils';

const signedOut = {
  status: 401,
  body: { code: 'UNAUTHENTICATED', message: 'Please sign in to continue.' },
};
const signedIn = {
  body: {
    user: { ...testUser, mfaGraceEndsAt: null },
    session: {
      id: '0d1f8e0e-64a4-4b8c-a4c7-3a3b2f1a0c55',
      aal: 1,
      amr: ['pwd'],
      scope: 'full',
      createdAt: '2025-01-01T10:00:00.000Z',
      reauthenticatedAt: null,
    },
  },
};

describe('app routes', () => {
  it('sends a signed-out visitor from / to the sign-in page', async () => {
    mockApi({ 'GET /api/auth/session': signedOut });
    const { location } = renderWithProviders(<AppRouter />, { path: '/' });

    expect(await screen.findByRole('heading', { name: 'Sign in', level: 1 })).toBeInTheDocument();
    expect(location.history.at(-1)).toBe('/sign-in');
  });

  it('shows the session on / and signs out', async () => {
    const fetchMock = mockApi({
      'GET /api/auth/session': signedIn,
      'POST /api/auth/logout': { body: { status: 'signed_out' } },
    });
    const { user, location } = renderWithProviders(<AppRouter />, { path: '/' });

    expect(await screen.findByRole('heading', { name: 'You are signed in' })).toBeInTheDocument();
    expect(screen.getByText('ada@example.com')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { name: 'Sign in', level: 1 })).toBeInTheDocument();
    expect(location.history.at(-1)).toBe('/sign-in');
    expect(callsTo(fetchMock, 'POST /api/auth/logout')).toHaveLength(1);
  });

  it('prefills the reset form from the link in the email', async () => {
    mockApi({ 'GET /api/auth/session': signedOut });
    renderWithProviders(<AppRouter />, {
      path: '/reset-password?email=ada%40example.com&code=123456',
    });

    expect(await screen.findByLabelText('Email')).toHaveValue('ada@example.com');
    expect(screen.getByRole('textbox', { name: 'Reset code' })).toHaveValue('123456');
  });
});
