import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectAccessible } from './axe';
import { chromiumAvailable, mailedCode, startStack, type Stack } from './stack';
import {
  PASSWORD,
  authenticatorCode,
  enrollAuthenticator,
  nextTotpStep,
  passwordStep,
  register,
  shot,
  signOut,
  visible,
} from './journey';

/**
 * Guarded actions as a person meets them: at most one password and one code for each, codes
 * that send themselves at 6 digits, focus where the typing starts, the wizard's wording when a
 * second method is added, and one presentation for new backup codes.
 */

const run = chromiumAvailable();
let stack: Stack;

/** POSTs the page sends to the API, with their JSON bodies, in order. */
function recordPosts(page: Page) {
  const posts: { path: string; body: Record<string, unknown> }[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() !== 'POST' || !url.pathname.startsWith('/api/')) return;
    posts.push({ path: url.pathname, body: JSON.parse(request.postData() ?? '{}') });
  });
  return posts;
}

/** The accessible name of the focused element, as a screen reader would announce it. */
async function focusedLabel(page: Page): Promise<string> {
  type Doc = {
    activeElement: {
      id: string;
      textContent: string | null;
      getAttribute(name: string): string | null;
    } | null;
    querySelector(selector: string): { textContent: string | null } | null;
  };
  return page.evaluate(() => {
    const { document } = globalThis as unknown as { document: Doc };
    const active = document.activeElement;
    if (!active) return '';
    const label = active.id ? document.querySelector(`label[for="${active.id}"]`) : null;
    return (label?.textContent ?? active.getAttribute('aria-label') ?? active.textContent ?? '')
      .trim()
      .replace(/\s+/g, ' ');
  });
}

/** A new account with an authenticator app, signed in again with a backup code: a session that
 * has never confirmed its identity since. */
async function freshTotpAccount(page: Page, name: string) {
  // No colour transitions: axe must not sample a button halfway from one style to the next.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const email = `${name}.${Date.now()}@example.com`;
  await register(stack, page, email);
  const { secret, backupCodes } = await enrollAuthenticator(page);
  const enrolledAt = Date.now();
  await signOut(page);
  expect(await passwordStep(page, email)).toBe(true);
  await page.getByRole('button', { name: 'Use a backup code' }).click();
  await page.getByRole('textbox', { name: 'Backup code' }).fill(backupCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await visible(page, page.getByRole('heading', { name: /you are signed in/i }));
  return { email, secret, backupCodes, enrolledAt };
}

/**
 * The authenticator's code once it is no longer the one enrollment spent: a step is accepted
 * once per factor, so within the same 30 seconds this waits for the next one.
 */
async function unusedCode(secret: string, spentAt: number): Promise<string> {
  if (Math.floor(Date.now() / 30_000) === Math.floor(spentAt / 30_000)) await nextTotpStep();
  return authenticatorCode(secret);
}

describe.skipIf(!run)('guarded actions in Chromium', () => {
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('turns two-factor off from a session without a recent identity check with one password and one code', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const { secret, enrolledAt } = await freshTotpAccount(page, 'turn-off');

    await page.goto('/settings/security');
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    const off = page.getByRole('dialog', { name: 'Turn off two-factor authentication?' });
    await visible(page, off);
    // Focus on the safe choice, not on the close button.
    await expect.poll(() => focusedLabel(page)).toBe('Cancel');
    await expectAccessible(page, 'turn-off dialog');
    await shot(page, 'turn-off-dialog');
    const posts = recordPosts(page);
    await off.getByRole('button', { name: 'Turn off' }).click();

    const confirm = page.getByRole('dialog', { name: 'Confirm it’s you' });
    await visible(page, confirm);
    await expect.poll(() => focusedLabel(page)).toBe('Password');
    await expectAccessible(page, 'confirm it is you (turn off)');
    await shot(page, 'turn-off-confirm');
    // What is asked: one password field and one code field, nothing else to type.
    expect(await confirm.locator('input').count()).toBe(2);
    expect(await confirm.getByLabel('Password').count()).toBe(1);
    expect(await confirm.getByRole('textbox', { name: 'Authenticator code' }).count()).toBe(1);
    await confirm.getByLabel('Password').fill(PASSWORD);
    // 6 digits send themselves.
    await confirm
      .getByRole('textbox', { name: 'Authenticator code' })
      .fill(await unusedCode(secret, enrolledAt));

    await visible(page, page.getByText('Two-factor authentication is off.'));
    expect(await off.isVisible()).toBe(false);
    expect(await confirm.isVisible()).toBe(false);
    await visible(page, page.getByRole('link', { name: 'Turn on two-factor authentication' }));
    await expectAccessible(page, 'security settings after turn-off');

    // One identity check carried the only code; both turn-off requests carried none.
    const sent = posts.filter((post) => post.path !== '/api/auth/reauthenticate/email');
    expect(sent.map((post) => post.path)).toEqual([
      '/api/mfa/disable',
      '/api/auth/reauthenticate',
      '/api/mfa/disable',
    ]);
    expect(sent[1]!.body).toMatchObject({ password: PASSWORD, method: 'totp' });
    expect(sent[0]!.body).toEqual({});
    expect(sent[2]!.body).toEqual({});
    await context.close();
  });

  it('changes the password with the one password the form took and one code', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const { backupCodes } = await freshTotpAccount(page, 'password');

    await page.goto('/settings/security');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill(`${PASSWORD} renewed`);
    await page.getByRole('button', { name: 'Change password' }).click();

    const confirm = page.getByRole('dialog', { name: 'Confirm it’s you' });
    await visible(page, confirm);
    expect(await confirm.getByLabel('Password').count()).toBe(0);
    await expect.poll(() => focusedLabel(page)).toBe('Authenticator code');
    await expectAccessible(page, 'confirm it is you (code only)');
    await shot(page, 'change-password-confirm');
    await confirm.getByLabel('Verify with').selectOption('backup_code');
    await confirm.getByRole('textbox', { name: 'Backup code' }).fill(backupCodes[1]!);
    await confirm.getByRole('button', { name: 'Confirm' }).click();

    await visible(page, page.getByText(/Password changed\./));
    await context.close();
  });

  it('adds a second method with wording that fits, codes that send themselves at 6 digits', async () => {
    for (const width of [1280, 375]) {
      const context = await stack.newContext({ width, height: width === 375 ? 740 : 800 });
      const page = await context.newPage();
      const { email, secret, enrolledAt } = await freshTotpAccount(page, `second-${width}`);

      await page.goto('/setup');
      await visible(page, page.getByRole('heading', { level: 1, name: 'Add a two-factor method' }));
      expect(await page.title()).toBe('Add a two-factor method · Twofold');
      expect(await page.getByText(/set up two-factor/i).count()).toBe(0);
      const progress = page.getByRole('list', { name: 'Setup progress' });
      await visible(page, progress.getByText('Verify your email'));
      expect(await progress.getByText('Connect your app').count()).toBe(0);
      await expectAccessible(page, `wizard, adding a method (${width})`);
      await shot(page, 'setup-second-method');

      await page.getByRole('button', { name: 'Continue' }).click();
      const confirm = page.getByRole('dialog', { name: 'Confirm it’s you' });
      await visible(page, confirm);
      await expect.poll(() => focusedLabel(page)).toBe('Password');
      await confirm.getByLabel('Password').fill(PASSWORD);
      await confirm
        .getByRole('textbox', { name: 'Authenticator code' })
        .fill(await unusedCode(secret, enrolledAt));

      const emailCode = page.getByRole('textbox', { name: 'Code from the email' });
      await visible(page, emailCode);
      await expectAccessible(page, `wizard, email code (${width})`);
      await shot(page, 'setup-second-method-email');
      // No click: a whole code confirms the method.
      await emailCode.fill(await mailedCode(stack, email));
      await visible(page, page.getByText('Email codes added.'));
      await expect
        .poll(() => new URL(page.url()).pathname, { timeout: 15_000 })
        .toBe('/settings/security');
      await context.close();
    }
  });

  it('shows regenerated backup codes like the wizard does, with Print', async () => {
    for (const width of [1280, 375]) {
      const context = await stack.newContext({ width, height: width === 375 ? 740 : 800 });
      const page = await context.newPage();
      const { backupCodes } = await freshTotpAccount(page, `codes-${width}`);

      await page.goto('/settings/security');
      await page.getByRole('button', { name: 'Generate new codes' }).first().click();
      const ask = page.getByRole('dialog', { name: 'Generate new backup codes?' });
      await visible(page, ask);
      await expect.poll(() => focusedLabel(page)).toBe('Cancel');
      await expectAccessible(page, `generate codes dialog (${width})`);
      await ask.getByRole('button', { name: 'Generate new codes' }).click();
      const confirm = page.getByRole('dialog', { name: 'Confirm it’s you' });
      await visible(page, confirm);
      await confirm.getByLabel('Password').fill(PASSWORD);
      await confirm.getByLabel('Verify with').selectOption('backup_code');
      await confirm.getByRole('textbox', { name: 'Backup code' }).fill(backupCodes[1]!);
      await confirm.getByRole('button', { name: 'Confirm' }).click();

      const list = page.getByRole('list', { name: 'New backup codes' });
      await visible(page, list);
      expect(await list.getByRole('listitem').count()).toBe(10);
      // The wizard's sheet: the same grid and the same three ways to keep the codes.
      expect(await page.locator('.backup-codes .backup-codes__grid').count()).toBe(1);
      for (const name of ['Copy codes', 'Download', 'Print']) {
        await visible(page, page.getByRole('button', { name }));
      }
      await page.evaluate(() => {
        const scope = globalThis as unknown as { print: () => void; printed?: number };
        scope.print = () => {
          scope.printed = (scope.printed ?? 0) + 1;
        };
      });
      await page.getByRole('button', { name: 'Print' }).click();
      expect(
        await page.evaluate(() => (globalThis as unknown as { printed?: number }).printed),
      ).toBe(1);
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download' }).click();
      expect((await download).suggestedFilename()).toBe('twofold-backup-codes.txt');
      await expectAccessible(page, `regenerated codes (${width})`);
      await shot(page, 'regenerated-backup-codes');
      await context.close();
    }
  });
});
