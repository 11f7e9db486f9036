import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { expectAccessible } from './axe';
import { PASSWORD, passwordStep, register, shot, signOut, visible } from './journey';
import { chromiumAvailable, mailedCode, mailedLink, startStack, type Stack } from './stack';

const run = chromiumAvailable();
let stack: Stack;

// The e2e project has no DOM types: the few page globals used here are typed by hand.
type PageGlobals = {
  document: { activeElement: unknown };
  addEventListener(
    type: string,
    listener: (event: { defaultPrevented: boolean }) => void,
    capture: boolean,
  ): void;
  setTimeout(callback: () => void): void;
  nativeBubbles?: number;
};

async function focused(locator: Locator): Promise<boolean> {
  return locator.evaluate(
    (element) => element === (globalThis as unknown as PageGlobals).document.activeElement,
  );
}

/**
 * Counts `invalid` events nobody cancelled: each is a submit where the browser showed its own
 * bubble. A bubble is not in the DOM, so this is how a test sees one.
 */
async function countNativeBubbles(page: Page) {
  await page.evaluate(() => {
    const page = globalThis as unknown as PageGlobals;
    page.nativeBubbles = 0;
    page.addEventListener(
      'invalid',
      (event) =>
        // After every listener ran: only then is it known whether one cancelled it.
        page.setTimeout(() => {
          if (!event.defaultPrevented) page.nativeBubbles! += 1;
        }),
      true,
    );
  });
  return () => page.evaluate(() => (globalThis as unknown as PageGlobals).nativeBubbles);
}

/** The field's inline error: the element its aria-describedby points at first. */
async function describedError(page: Page, field: Locator): Promise<string> {
  const ids = (await field.getAttribute('aria-describedby')) ?? '';
  const first = ids.split(' ')[0];
  if (!first) return '';
  return page.locator(`[id="${first}"]`).innerText();
}

/** Signs up and turns on email codes as the only method; ends signed out. */
async function emailOnlyAccount(page: Page, email: string) {
  await register(stack, page, email);
  await page.goto('/setup');
  await page.getByRole('radio', { name: /email codes/i }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  const code = page.getByRole('textbox', { name: 'Code from the email' });
  await visible(page, code);
  // Six digits send themselves.
  await code.fill(await mailedCode(stack, email));
  await visible(page, page.getByLabel('I have saved these codes'));
  await page.getByLabel('I have saved these codes').check();
  await page.getByRole('button', { name: 'Finish' }).click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).not.toBe('/setup');
  await signOut(page);
}

describe.skipIf(!run)('sign-in and sign-up as a person meets them, in Chromium', () => {
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('goes Email, Password, Sign in with Tab, then "Forgot password?"', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    await page.goto('/sign-in');
    const email = page.getByLabel('Email');
    await email.click();
    await page.keyboard.press('Tab');
    expect(await focused(page.getByLabel('Password', { exact: true }))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused(page.getByRole('button', { name: 'Sign in' }))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused(page.getByRole('link', { name: 'Forgot password?' }))).toBe(true);
    await expectAccessible(page, 'sign-in');
    await context.close();
  });

  it('says in the page, not in a browser bubble, which field an empty or short submit missed', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();

    await page.goto('/sign-in');
    const bubbles = await countNativeBubbles(page);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const email = page.getByLabel('Email');
    await visible(page, page.getByText('Email is required.'));
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await describedError(page, email)).toBe('Email is required.');
    expect(
      await email.evaluate(
        (input) => (input as { validity: { valueMissing: boolean } }).validity.valueMissing,
      ),
    ).toBe(true);
    expect(await focused(email)).toBe(true);
    await visible(page, page.getByText('Password is required.'));
    expect(await bubbles()).toBe(0);
    await shot(page, 'sign-in-empty');
    await expectAccessible(page, 'sign-in, empty submit');
    // Typing clears the field's error; the other keeps its own.
    await email.fill('someone@example.com');
    await expect.poll(() => page.getByText('Email is required.').isVisible()).toBe(false);
    expect(await email.getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByText('Password is required.').isVisible()).toBe(true);

    await page.goto('/register');
    const registerBubbles = await countNativeBubbles(page);
    await page.getByLabel('Email').fill('not-an-address');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await visible(page, page.getByText('Enter an email address like name@example.com.'));
    expect(await focused(page.getByLabel('Email'))).toBe(true);
    const password = page.getByLabel('Password', { exact: true });
    expect(await describedError(page, password)).toBe('Use at least 8 characters (now 5).');
    expect(await registerBubbles()).toBe(0);
    await expectAccessible(page, 'register, refused submit');

    await page.goto('/forgot-password');
    const forgotBubbles = await countNativeBubbles(page);
    await page.getByRole('button', { name: 'Send reset code' }).click();
    await visible(page, page.getByText('Email is required.'));
    expect(await forgotBubbles()).toBe(0);
    await context.close();
  });

  it('says which rule a refused sign-up password broke', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const local = `weakling${Date.now()}`;
    await page.goto('/register');
    await page.getByLabel('Email').fill(`${local}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill(`my ${local} password`);
    await page.getByRole('button', { name: 'Create account' }).click();
    const password = page.getByLabel('Password', { exact: true });
    await visible(page, page.getByText('The password must not contain your email address.'));
    expect(await describedError(page, password)).toBe(
      'The password must not contain your email address.',
    );
    await expectAccessible(page, 'register, weak password');
    await context.close();
  });

  it('keeps the sign-up code step across a reload and sends six digits without Verify', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const email = `resume.${Date.now()}@example.com`;
    await page.goto('/register');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await visible(page, page.getByRole('heading', { name: 'Check your email' }));

    await page.reload();
    await visible(page, page.getByRole('heading', { name: 'Check your email' }));
    await visible(page, page.getByText(/The page was reloaded: you are still at the code step/));
    await visible(page, page.getByText(email));
    await shot(page, 'register-code-after-reload');
    await expectAccessible(page, 'register code step after reload');

    // No click: the sixth digit sends the code.
    await page
      .getByRole('textbox', { name: 'Verification code' })
      .fill(await mailedCode(stack, email));
    await visible(page, page.getByRole('heading', { name: /you are signed in/i }));
    await context.close();
  });

  it('says why a reload during the second step is back at the password, with the address kept', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const email = `reload.${Date.now()}@example.com`;
    await emailOnlyAccount(page, email);
    expect(await passwordStep(page, email)).toBe(true);

    await page.reload();
    await visible(page, page.getByText(/Your sign-in step expired or the page was reloaded/));
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    expect(await focused(page.getByLabel('Password', { exact: true }))).toBe(true);
    await shot(page, 'sign-in-after-reload');
    await expectAccessible(page, 'sign-in after a reload in the second step');

    // Said once: the next reload has nothing to explain.
    await page.reload();
    await visible(page, page.getByRole('heading', { name: 'Sign in' }));
    expect(await page.getByText(/the page was reloaded/).count()).toBe(0);
    await context.close();
  });

  it('fills in the address on the sign-in form after a password reset, not through the URL', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const email = `prefill.${Date.now()}@example.com`;
    await register(stack, page, email);
    await signOut(page);
    await page.goto('/forgot-password');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset code' }).click();
    await visible(page, page.getByRole('heading', { name: /check your email/i }));
    await page.goto(await mailedLink(stack, email, /https?:\/\/\S+\/reset-password#\S+/));
    await expect.poll(() => page.getByLabel('Email').inputValue()).toBe(email);
    await page.getByLabel('New password').fill(`${PASSWORD} renewed`);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await visible(page, page.getByRole('heading', { name: 'Password changed' }));
    await expectAccessible(page, 'password changed');

    await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
    await visible(page, page.getByRole('heading', { name: 'Sign in' }));
    expect(page.url()).toBe(`${stack.baseUrl}/sign-in`);
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    expect(await focused(page.getByLabel('Password', { exact: true }))).toBe(true);
    await page.getByLabel('Password', { exact: true }).fill(`${PASSWORD} renewed`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page, page.getByRole('heading', { name: /you are signed in/i }));
    await context.close();
  });

  it('emails the code to a masked address with one deadline, in a dialog whose top stays put', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const email = `modal.${Date.now()}@example.com`;
    await emailOnlyAccount(page, email);
    expect(await passwordStep(page, email)).toBe(true);
    const dialog = page.getByRole('dialog', { name: 'Two-factor authentication' });
    const top = async () => (await dialog.boundingBox())?.y;
    const firstTop = await top();
    expect(firstTop).toBeDefined();
    await expectAccessible(page, 'second step, email method before sending');

    await dialog.getByRole('button', { name: 'Email me a code' }).click();
    await visible(page, dialog.getByText('m•••@example.com'));
    await visible(page, dialog.getByText('We sent a code to m•••@example.com.'));
    expect(await dialog.innerText()).not.toContain(email);
    // One deadline on screen, not the attempt's and the code's side by side.
    expect(await dialog.getByText(/expires in/).count()).toBe(1);
    expect(await top()).toBe(firstTop);
    await shot(page, 'sign-in-email-method');
    await expectAccessible(page, 'second step, email code sent');

    await dialog.getByRole('button', { name: 'Use a backup code' }).click();
    await visible(page, dialog.getByRole('textbox', { name: 'Backup code' }));
    expect(await top()).toBe(firstTop);
    await dialog.getByRole('button', { name: 'Verify' }).click();
    await visible(page, dialog.getByText(/Enter a 10-character backup code/));
    expect(await top()).toBe(firstTop);
    await expectAccessible(page, 'second step, backup code refused');

    await dialog.getByRole('button', { name: 'Email me a code' }).click();
    await visible(page, dialog.getByText('We sent a code to m•••@example.com.'));
    await dialog.getByRole('textbox', { name: 'Email code' }).fill(await mailedCode(stack, email));
    await visible(page, page.getByRole('heading', { name: /you are signed in/i }));
    await signOut(page);

    // The same dialog on a phone, for an account of its own: the next code to this one may only
    // go out a minute after the last.
    const phone = await stack.newContext({ width: 375, height: 740 });
    const small = await phone.newPage();
    const phoneEmail = `mobile.${Date.now()}@example.com`;
    await emailOnlyAccount(small, phoneEmail);
    expect(await passwordStep(small, phoneEmail)).toBe(true);
    const phoneDialog = small.getByRole('dialog', { name: 'Two-factor authentication' });
    await phoneDialog.getByRole('button', { name: 'Email me a code' }).click();
    await visible(small, phoneDialog.getByText('We sent a code to m•••@example.com.'));
    expect(await phoneDialog.innerText()).not.toContain(phoneEmail);
    expect(await phoneDialog.getByText(/expires in/).count()).toBe(1);
    await shot(small, 'sign-in-email-method');
    await expectAccessible(small, 'second step at 375 px, email code sent');
    await phone.close();
    await context.close();
  });
});
