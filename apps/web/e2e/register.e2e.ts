import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, register, signOut, visible } from './journey';
import { chromiumAvailable, mailedCode, mailedLink, startStack, type Stack } from './stack';

const run = chromiumAvailable();
let stack: Stack;

describe.skipIf(!run)('sign-up in Chromium', () => {
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('registers, reads the code in the dev mailbox page, verifies and lands signed in', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const email = `e2e.${Date.now()}@example.com`;
    await page.goto('/register');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByRole('button', { name: /create account/i }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: /check your email/i }).isVisible())
      .toBe(true);

    // Read the code the way a person would: in the dev mailbox page, in another tab.
    const mailbox = await context.newPage();
    await mailbox.goto('/dev/mailbox');
    await expect.poll(() => mailbox.getByText(email).first().isVisible()).toBe(true);
    const code = await mailedCode(stack, email);
    expect(await mailbox.content()).toContain(code);
    await mailbox.close();

    // Six digits send themselves, as in the sign-in dialog.
    await page.getByRole('textbox', { name: /verification code/i }).fill(code);
    await expect
      .poll(() => page.getByRole('heading', { name: /you are signed in/i }).isVisible())
      .toBe(true);
    await context.close();
  });

  it('resets a forgotten password from the emailed link, which carries the code in the fragment', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const email = `reset.${Date.now()}@example.com`;
    await register(stack, page, email);
    await signOut(page);

    await page.goto('/forgot-password');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset code' }).click();
    await visible(page, page.getByRole('heading', { name: /check your email/i }));

    // No server sees a fragment, so the code is in no request log; the page reads it and
    // takes it out of the address bar.
    const link = await mailedLink(stack, email, /https?:\/\/\S+\/reset-password#\S+/);
    expect(link).toMatch(/#email=[^&\s]+&code=\d{6}$/);
    expect(link).not.toContain('?');
    await page.goto(link);
    await expect.poll(() => page.getByLabel('Email').inputValue()).toBe(email);
    expect(await page.getByRole('textbox', { name: 'Reset code' }).inputValue()).toMatch(/^\d{6}$/);
    expect(page.url()).toBe(`${stack.baseUrl}/reset-password`);

    await page.getByLabel('New password').fill(`${PASSWORD} renewed`);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await visible(page, page.getByRole('heading', { name: 'Password changed' }));
    // The old password no longer opens the account.
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page, page.getByText('Incorrect email or password.'));
    await context.close();
  });
});
