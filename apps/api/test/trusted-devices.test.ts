import { describe, expect, it, vi } from 'vitest';
import { Client, useTestApp } from './helpers/app.js';
import { nextStep } from './helpers/mfa.js';
import { COOKIE, mailedCode, passwordStep, signInWithTotp, totpUser } from './helpers/security.js';

const ctx = useTestApp();

/** A browser that signed in as `account` and asked to be trusted, then signed out. */
async function trustedBrowser(account: { email: string; password: string; secret: string }) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(nextStep());
  const browser = await signInWithTotp(ctx.app, account, { trustDevice: true });
  expect((await browser.post('/api/auth/logout')).statusCode).toBe(200);
  return browser;
}

describe('trusted browsers', () => {
  it('skips the second step only for the user who trusted the browser, not for another account signing in there', async () => {
    const alice = await totpUser(ctx.app, ctx.db);
    const bob = await totpUser(ctx.app, ctx.db);
    const browser = await trustedBrowser(alice);

    const asBob = await passwordStep(ctx.app, bob.email, bob.password, browser);
    expect(asBob.body.status).toBe('mfa_required');
    expect(browser.cookies.has(COOKIE.session)).toBe(false);
    expect((await browser.get('/api/auth/session')).statusCode).toBe(401);

    // The browser is still trusted for the one who trusted it.
    const asAlice = await passwordStep(ctx.app, alice.email, alice.password, browser);
    expect(asAlice.body.status).toBe('authenticated');
    expect((await browser.get('/api/auth/session')).json().user.email).toBe(alice.email);
  });

  it('forgets every trusted browser when the password is reset, so the second step is asked again', async () => {
    const account = await totpUser(ctx.app, ctx.db);
    const browser = await trustedBrowser(account);
    expect(
      (await passwordStep(ctx.app, account.email, account.password, browser)).body.status,
    ).toBe('authenticated');

    const newPassword = 'a fresh passphrase after reset';
    const { code } = await mailedCode(ctx.db, account.email, () =>
      new Client(ctx.app).post('/api/auth/password/forgot', { email: account.email }),
    );
    const reset = await new Client(ctx.app).post('/api/auth/password/reset', {
      email: account.email,
      code,
      password: newPassword,
    });
    expect(reset.statusCode, reset.body).toBe(200);

    // The browser still holds its trusted-device cookie; the server no longer honours it.
    expect(browser.cookies.has(COOKIE.device)).toBe(true);
    const after = await passwordStep(ctx.app, account.email, newPassword, browser);
    expect(after.body.status).toBe('mfa_required');
    expect((await browser.get('/api/auth/session')).statusCode).toBe(401);
  });
});
