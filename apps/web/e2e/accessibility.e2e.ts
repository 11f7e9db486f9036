import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible } from './axe';
import { chromiumAvailable, mailedCode, startStack, type Stack } from './stack';
import {
  PASSWORD,
  authenticatorCode,
  nextTotpStep,
  passwordStep,
  shot,
  signOut,
  visible,
} from './journey';

/**
 * Every screen of the SPA, at a desktop and a phone width, checked by axe-core (WCAG 2.1 A/AA
 * and best practices) in the state a person first meets it, with a screenshot of each. The
 * feature suites check the states their flows reach (dialogs, errors, the API down); this walk
 * makes sure no page is left out.
 */

const run = chromiumAvailable();
let stack: Stack;

/** Checks the screen and saves `<width>-screen-<name>.png`. */
async function check(page: Page, name: string) {
  await expectAccessible(page, `${name} at ${page.viewportSize()?.width ?? 0} px`);
  await shot(page, `screen-${name}`);
}

describe.skipIf(!run)('every screen passes axe', () => {
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  for (const width of [1280, 375]) {
    it(`at ${width} px, signed out, signing up, setting up, in settings and signing in again`, async () => {
      const context = await stack.newContext({ width, height: width === 375 ? 740 : 800 });
      const page = await context.newPage();
      // No transitions: axe must not sample a colour halfway between two styles.
      await page.emulateMedia({ reducedMotion: 'reduce' });
      // The stack's admin address at desktop width, so the admin page is part of the walk.
      const email = width === 1280 ? stack.adminEmail : `walk.${width}.${Date.now()}@example.com`;

      await page.goto('/sign-in');
      await visible(page, page.getByRole('button', { name: 'Sign in' }));
      await check(page, 'sign-in');

      await page.goto('/forgot-password');
      await visible(page, page.getByRole('heading', { name: 'Reset your password' }));
      await check(page, 'forgot-password');

      await page.goto('/reset-password');
      await visible(page, page.getByRole('button', { name: 'Set new password' }));
      await check(page, 'reset-password');

      await page.goto('/no-such-page');
      await visible(page, page.getByRole('heading', { name: 'Page not found' }));
      await check(page, 'not-found');

      await page.goto('/register');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await check(page, 'register');
      await page.getByRole('button', { name: /create account/i }).click();
      await visible(page, page.getByRole('heading', { name: /check your email/i }));
      await check(page, 'register-code');

      const mailbox = await context.newPage();
      await mailbox.emulateMedia({ reducedMotion: 'reduce' });
      await mailbox.goto('/dev/mailbox');
      await visible(mailbox, mailbox.getByText(email).first());
      await check(mailbox, 'dev-mailbox');
      await mailbox.close();

      // Six digits send themselves.
      await page
        .getByRole('textbox', { name: /verification code/i })
        .fill(await mailedCode(stack, email));
      await visible(page, page.getByRole('heading', { name: /you are signed in/i }));
      await check(page, 'home');

      await page.goto('/setup');
      await visible(page, page.getByRole('radio', { name: /authenticator app/i }));
      await check(page, 'setup-choose');
      await page.getByRole('radio', { name: /authenticator app/i }).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      const key = page.locator('.manual-key__value');
      await expect.poll(() => key.isVisible(), { timeout: 15_000 }).toBe(true);
      await check(page, 'setup-scan');
      const secret = (await key.innerText()).replace(/\s+/g, '');
      const enrolledAt = Date.now();
      await page
        .getByRole('textbox', { name: /code from the app/i })
        .fill(authenticatorCode(secret));
      const codes = page.getByRole('list', { name: 'Backup codes' });
      await visible(page, codes);
      await check(page, 'setup-backup-codes');
      const backupCodes = (await codes.getByRole('listitem').allInnerTexts()).map((c) => c.trim());
      await page.getByLabel('I have saved these codes').check();
      await page.getByRole('button', { name: 'Finish' }).click();
      await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).not.toBe('/setup');

      await page.goto('/settings/security');
      await visible(page, page.getByRole('list', { name: 'Your two-factor methods' }));
      await check(page, 'security-settings');
      await page.getByRole('button', { name: 'Remove Authenticator app' }).click();
      const remove = page.getByRole('dialog', { name: /^Remove/ });
      await visible(page, remove);
      await check(page, 'remove-method-dialog');
      await remove.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => remove.isVisible()).toBe(false);

      if (width === 1280) {
        await page.goto('/admin');
        await visible(page, page.getByRole('button', { name: 'Save policy' }));
        await check(page, 'admin');
      }

      // The second step, each method.
      await signOut(page);
      expect(await passwordStep(page, email)).toBe(true);
      const modal = page.getByRole('dialog', { name: 'Two-factor authentication' });
      await check(page, 'sign-in-modal');
      await modal.getByRole('button', { name: 'Use a backup code' }).click();
      await visible(page, modal.getByRole('textbox', { name: 'Backup code' }));
      await check(page, 'sign-in-modal-backup-code');
      await modal.getByRole('textbox', { name: 'Backup code' }).fill(backupCodes[0]!);
      await modal.getByRole('button', { name: 'Verify' }).click();
      await visible(page, page.getByRole('heading', { name: /you are signed in/i }));

      // And with the app, so the walk ends where a person usually is.
      await signOut(page);
      if (Math.floor(Date.now() / 30_000) === Math.floor(enrolledAt / 30_000)) await nextTotpStep();
      expect(await passwordStep(page, email)).toBe(true);
      await page
        .getByRole('textbox', { name: 'Authentication code' })
        .fill(authenticatorCode(secret));
      await visible(page, page.getByRole('heading', { name: /you are signed in/i }));
      await context.close();
    });
  }
});
