import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ResetPasswordPage } from '../src/app/routes/reset-password';
import { callsTo, mockApi, renderWithProviders } from './utils';

/** Opens the page as the browser would from a link: the address bar holds the whole URL. */
function openLink(url: string) {
  window.history.replaceState(null, '', url);
  return renderWithProviders(<ResetPasswordPage />, { path: '/reset-password' });
}

afterEach(() => {
  window.history.replaceState(null, '', '/');
});

describe('the reset link', () => {
  it('fills the form from the fragment, then takes the code out of the address bar', async () => {
    const fetchMock = mockApi({
      'POST /api/auth/password/reset': { body: { status: 'password_reset' } },
    });
    const { user } = openLink('/reset-password#email=ada%2Bwork%40example.com&code=123456');

    expect(await screen.findByLabelText('Email')).toHaveValue('ada+work@example.com');
    expect(screen.getByRole('textbox', { name: 'Reset code' })).toHaveValue('123456');
    expect(window.location.hash).toBe('');
    expect(window.location.href).toBe(`${window.location.origin}/reset-password`);

    await user.type(screen.getByLabelText('New password'), 'a new long passphrase');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByRole('heading', { name: 'Password changed' })).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST /api/auth/password/reset')[0]?.body).toEqual({
      email: 'ada+work@example.com',
      code: '123456',
      password: 'a new long passphrase',
    });
  });

  it("still reads an older email's query string, and removes it at once", async () => {
    openLink('/reset-password?email=ada%40example.com&code=654321');

    expect(await screen.findByLabelText('Email')).toHaveValue('ada@example.com');
    expect(screen.getByRole('textbox', { name: 'Reset code' })).toHaveValue('654321');
    expect(window.location.search).toBe('');
    expect(window.location.href).toBe(`${window.location.origin}/reset-password`);
  });

  it('leaves the address alone and the form empty without a link', async () => {
    const before = window.history.length;
    openLink('/reset-password');

    expect(await screen.findByLabelText('Email')).toHaveValue('');
    expect(screen.getByRole('textbox', { name: 'Reset code' })).toHaveValue('');
    expect(window.history.length).toBe(before);
  });
});
