import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { mailedCode, type Stack } from './stack';

export const PASSWORD = 'correct horse battery';
const shotsDir = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));

/** Saves a full-page screenshot named `<width>-<name>.png` under test-results/screenshots. */
export async function shot(page: Page, name: string) {
  mkdirSync(shotsDir, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: path.join(shotsDir, `${width}-${name}.png`), fullPage: true });
}

/**
 * Waits up to 15 s for `locator`; if it never shows, saves what the page showed instead
 * (`failed-<width>-<time>.png` beside the screenshots) before failing, so a CI log has a picture.
 */
export async function visible(page: Page, locator: ReturnType<Page['getByRole']>) {
  try {
    await expect.poll(() => locator.isVisible(), { timeout: 15_000 }).toBe(true);
  } catch (error) {
    await shot(page, `failed-${Date.now()}`).catch(() => undefined);
    throw error;
  }
}

/** What an authenticator app would show now, computed by Debian's oathtool. */
export function authenticatorCode(secret: string, at = new Date()): string {
  return execFileSync('oathtool', ['--totp', '-b', '--now', at.toISOString(), secret])
    .toString()
    .trim();
}

/** Waits for the next 30-second step, so a code not yet used exists. */
export async function nextTotpStep() {
  const wait = 30_000 - (Date.now() % 30_000) + 500;
  await new Promise((resolve) => setTimeout(resolve, wait));
}

export async function register(stack: Stack, page: Page, email: string, shots = false) {
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  if (shots) await shot(page, 'register');
  await page.getByRole('button', { name: /create account/i }).click();
  await visible(page, page.getByRole('heading', { name: /check your email/i }));
  if (shots) await shot(page, 'register-code');
  await page
    .getByRole('textbox', { name: /verification code/i })
    .fill(await mailedCode(stack, email));
  // Six digits send themselves; there is no Verify to press.
  await visible(page, page.getByRole('heading', { name: /you are signed in/i }));
}

/** Runs the setup wizard for an authenticator app; returns the secret and the backup codes. */
export async function enrollAuthenticator(page: Page, shots = false) {
  await page.goto('/setup');
  await page.getByRole('radio', { name: /authenticator app/i }).check();
  if (shots) await shot(page, 'setup-choose');
  await page.getByRole('button', { name: 'Continue' }).click();
  const key = page.locator('.manual-key__value');
  await expect.poll(() => key.isVisible(), { timeout: 15_000 }).toBe(true);
  if (shots) await shot(page, 'setup-scan');
  const secret = (await key.innerText()).replace(/\s+/g, '');
  // Six digits are a whole code: the step sends it by itself.
  await page.getByRole('textbox', { name: /code from the app/i }).fill(authenticatorCode(secret));
  const list = page.getByRole('list', { name: 'Backup codes' });
  await expect.poll(() => list.isVisible(), { timeout: 15_000 }).toBe(true);
  const backupCodes = (await list.getByRole('listitem').allInnerTexts()).map((code) => code.trim());
  expect(backupCodes).toHaveLength(10);
  if (shots) await shot(page, 'setup-backup-codes');
  await page.getByLabel('I have saved these codes').check();
  await page.getByRole('button', { name: 'Finish' }).click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).not.toBe('/setup');
  return { secret, backupCodes };
}

export async function signOut(page: Page) {
  // On a phone the header's links are behind its Menu button.
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe('/sign-in');
}

/** Password step; returns whether the second-step modal opened. */
export async function passwordStep(page: Page, email: string): Promise<boolean> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const modal = page.getByRole('dialog', { name: 'Two-factor authentication' });
  const home = page.getByRole('heading', { name: /you are signed in/i });
  await expect
    .poll(async () => (await modal.isVisible()) || (await home.isVisible()), { timeout: 15_000 })
    .toBe(true);
  return modal.isVisible();
}

/**
 * Answers "Confirm it's you" (step-up) with the password and a backup code: unlike an
 * authenticator code, it cannot collide with a 30-second step an earlier action spent.
 */
export async function confirmItsYou(page: Page, backupCode: string) {
  const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
  await visible(page, dialog);
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByLabel('Verify with').selectOption('backup_code');
  await dialog.getByRole('textbox', { name: 'Backup code' }).fill(backupCode);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(false);
}

/**
 * Narrows the admin page's users table to addresses containing `text`, as an admin with many
 * users would: the table lists the oldest accounts first, one page at a time, and on PostgreSQL
 * every browser suite shares one database, so a new account is rarely on the first page.
 */
export async function searchUsers(page: Page, text: string) {
  await page.getByRole('searchbox', { name: 'Search by email' }).fill(text);
  await visible(page, page.getByRole('status').filter({ hasText: `matching “${text}”` }));
}

/** The user role's policy every stack starts with: not required, 7 grace days. */
export const DEFAULT_USER_POLICY = { required: false, graceDays: 7 } as const;

/**
 * Sets the user role's two-factor policy through the API from an admin's page; returns the
 * status. With `password`, the admin confirms it is them first (an account without two-factor);
 * without it, the step-up window must already be open. On PostgreSQL every browser suite shares
 * one database, so a suite that changes the policy puts DEFAULT_USER_POLICY back when done.
 */
export async function setUserPolicy(
  page: Page,
  policy: { required: boolean; graceDays: number },
  password?: string,
): Promise<number> {
  return page.evaluate(
    async ({ policy, password }) => {
      const send = (method: string, path: string, body: unknown) =>
        fetch(path, {
          method,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      if (password) await send('POST', '/api/auth/reauthenticate', { password });
      const answer = await send('PUT', '/api/admin/policy', {
        roles: [{ role: 'user', ...policy }],
      });
      return answer.status;
    },
    { policy, password },
  );
}
