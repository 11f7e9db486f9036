import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, startStack, type Stack } from './stack';
import {
  confirmItsYou,
  enrollAuthenticator,
  passwordStep,
  register,
  searchUsers,
  shot,
  signOut,
  visible,
} from './journey';

const run = chromiumAvailable();
let stack: Stack;

describe.skipIf(!run)('administration in Chromium', () => {
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("confirms it's the admin before changing the policy or resetting someone's two-factor", async () => {
    // The first account of a development stack is the admin.
    const admin = await stack.newContext();
    const page = await admin.newPage();
    await register(stack, page, stack.adminEmail);
    const { backupCodes } = await enrollAuthenticator(page);

    // Someone else with an authenticator app, whose phone is lost.
    const bobEmail = `bob.${Date.now()}@example.com`;
    const bob = await stack.newContext();
    const bobPage = await bob.newPage();
    await register(stack, bobPage, bobEmail);
    await enrollAuthenticator(bobPage);
    await bob.close();

    // A new sign-in does not open the step-up window.
    await signOut(page);
    expect(await passwordStep(page, stack.adminEmail)).toBe(true);
    await page.getByRole('button', { name: 'Use a backup code' }).click();
    await page.getByRole('textbox', { name: 'Backup code' }).fill(backupCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await visible(page, page.getByRole('heading', { name: /you are signed in/i }));

    await page.goto('/admin');
    const ownRow = page.getByRole('row', { name: new RegExp(stack.adminEmail) });
    const bobRow = page.getByRole('row', { name: new RegExp(bobEmail) });
    // The admin's own two-factor goes through their security settings, as anyone's does.
    await searchUsers(page, stack.adminEmail);
    await visible(page, ownRow.getByRole('link', { name: 'Your security settings' }));
    expect(await ownRow.getByRole('button', { name: /reset/i }).count()).toBe(0);
    await searchUsers(page, bobEmail);
    await visible(page, bobRow);

    // Saving the policy asks "Confirm it's you" first, then goes through.
    await page.getByRole('button', { name: 'Save policy' }).click();
    await confirmItsYou(page, backupCodes[1]!);
    await visible(page, page.getByText('Two-factor policy saved.'));

    // The window is open now: the reset goes through without asking again.
    await bobRow.getByRole('button', { name: `Reset two-factor for ${bobEmail}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset two-factor authentication?' });
    await visible(page, dialog);
    await dialog.getByRole('button', { name: 'Reset two-factor' }).click();
    await visible(page, page.getByText(`Two-factor authentication reset for ${bobEmail}.`));
    await expect
      .poll(() => bobRow.getByText('Off', { exact: true }).isVisible(), { timeout: 15_000 })
      .toBe(true);
    await shot(page, 'admin-after-reset');
    await admin.close();
  });
});
