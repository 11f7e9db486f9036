import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HomePage } from '../src/app/routes/home';
import { mfaStatusReply, mockApi, renderWithProviders, testUser, type Reply } from './utils';

const session: Reply = {
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

describe('home page MFA prompts', () => {
  it('shows the deadline and a link to set up during the grace period', async () => {
    mockApi({
      'GET /api/auth/session': session,
      'GET /api/mfa': mfaStatusReply({
        policy: { required: true, status: 'grace', graceEndsAt: '2030-03-14T12:00:00.000Z' },
      }),
    });
    renderWithProviders(<HomePage />);

    expect(
      await screen.findByText(/^Your organisation requires two-factor authentication by .*2030/),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Set it up now' })).toHaveAttribute('href', '/setup');
  });

  it('suggests two-factor authentication when it is off and optional', async () => {
    mockApi({ 'GET /api/auth/session': session, 'GET /api/mfa': mfaStatusReply() });
    renderWithProviders(<HomePage />);

    expect(
      await screen.findByRole('link', { name: 'Set up two-factor authentication' }),
    ).toHaveAttribute('href', '/setup');
    expect(screen.queryByText(/Your organisation requires/)).not.toBeInTheDocument();
  });

  it('says nothing once it is on', async () => {
    const fetchMock = mockApi({
      'GET /api/auth/session': session,
      'GET /api/mfa': mfaStatusReply({
        enabled: true,
        policy: { required: true, status: 'satisfied', graceEndsAt: null },
      }),
    });
    renderWithProviders(<HomePage />);

    await screen.findByRole('heading', { name: 'You are signed in' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fetchMock).toHaveBeenCalledWith('/api/mfa', expect.anything());
    expect(screen.queryByRole('link', { name: /set (it )?up/i })).not.toBeInTheDocument();
  });
});
