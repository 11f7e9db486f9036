import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, mailedCode, startStack, type Stack } from './stack';
import {
  PASSWORD,
  authenticatorCode,
  confirmItsYou,
  enrollAuthenticator,
  nextTotpStep,
  passwordStep,
  register,
  shot,
  signOut,
  visible,
} from './journey';

const run = chromiumAvailable();
let stack: Stack;

describe.skipIf(!run)('two-factor authentication in Chromium', () => {
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('registers, enrolls an authenticator, signs in every way, regenerates codes with step-up and turns MFA off', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const email = stack.adminEmail;

    await register(stack, page, email, true);
    await shot(page, 'home');
    const { secret, backupCodes } = await enrollAuthenticator(page, true);
    const [first, second, third] = backupCodes;

    // Sign in through the modal with a code the authenticator shows in the next step.
    await signOut(page);
    await nextTotpStep();
    expect(await passwordStep(page, email)).toBe(true);
    await shot(page, 'sign-in-modal');
    await page
      .getByRole('textbox', { name: 'Authentication code' })
      .fill(authenticatorCode(secret));
    await visible(page, page.getByRole('heading', { name: /you are signed in/i }));

    // A backup code, this time trusting the browser.
    await signOut(page);
    expect(await passwordStep(page, email)).toBe(true);
    await page.getByRole('button', { name: 'Use a backup code' }).click();
    await page.getByRole('textbox', { name: 'Backup code' }).fill(first!);
    await page.getByLabel('Trust this browser for 30 days').check();
    await page.getByRole('button', { name: 'Verify' }).click();
    await visible(page, page.getByRole('heading', { name: /you are signed in/i }));

    // The trusted browser skips the second step.
    await signOut(page);
    expect(await passwordStep(page, email)).toBe(false);

    // Regenerate backup codes: the step-up dialog asks who you are, then the action carries on.
    await page.goto('/settings/security');
    await page.getByRole('button', { name: 'Generate new codes' }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Generate new codes' }).click();
    const stepUp = page.getByRole('dialog', { name: 'Confirm it’s you' });
    await visible(page, stepUp);
    await stepUp.getByLabel('Password').fill(PASSWORD);
    await stepUp.getByLabel('Verify with').selectOption('backup_code');
    await stepUp.getByRole('textbox', { name: 'Backup code' }).fill(second!);
    await shot(page, 'step-up');
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    const fresh = page.getByRole('list', { name: 'New backup codes' });
    await expect.poll(() => fresh.isVisible(), { timeout: 15_000 }).toBe(true);
    const renewed = (await fresh.getByRole('listitem').allInnerTexts()).map((code) => code.trim());
    expect(renewed).toHaveLength(10);
    expect(renewed).not.toContain(third);
    await shot(page, 'security-settings');

    // Turn MFA off: identity was confirmed a moment ago, so no other code is asked for.
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    const off = page.getByRole('dialog', { name: 'Turn off two-factor authentication?' });
    await visible(page, off);
    await off.getByRole('button', { name: /turn off/i }).click();
    await expect.poll(() => off.isVisible(), { timeout: 15_000 }).toBe(false);

    // The admin page and the dev mailbox, for the record.
    await page.goto('/admin');
    await visible(page, page.getByRole('button', { name: 'Save policy' }));
    await visible(page, page.getByRole('cell', { name: email }));
    await shot(page, 'admin');
    await page.goto('/dev/mailbox');
    await visible(page, page.getByRole('heading', { name: 'Dev mailbox' }));
    await shot(page, 'mailbox');
    await context.close();

    // MFA is off: a browser that was never trusted signs in with the password alone.
    const other = await stack.newContext();
    expect(await passwordStep(await other.newPage(), email)).toBe(false);
    await other.close();

    // Change the email address: step-up, a code to the new address, and it signs in from then on.
    const moved = `moved-${email}`;
    const settings = await stack.newContext();
    const settingsPage = await settings.newPage();
    expect(await passwordStep(settingsPage, email)).toBe(false);
    await settingsPage.goto('/settings/security');
    const newAddress = settingsPage.getByLabel('New email address');
    await newAddress.fill(moved);
    await expect.poll(() => newAddress.inputValue()).toBe(moved);
    await settingsPage.getByRole('button', { name: 'Send a code' }).click();
    const confirmIt = settingsPage.getByRole('dialog', { name: 'Confirm it’s you' });
    await visible(settingsPage, confirmIt);
    await confirmIt.getByLabel('Password').fill(PASSWORD);
    await confirmIt.getByRole('button', { name: 'Confirm' }).click();
    const movedCode = settingsPage.getByRole('textbox', { name: 'Code from the email' });
    await visible(settingsPage, movedCode);
    await shot(settingsPage, 'change-email');
    // A whole code confirms the new address by itself.
    await movedCode.fill(await mailedCode(stack, moved));
    await visible(settingsPage, settingsPage.getByText(`Email address changed to ${moved}.`));
    await settings.close();
    const after = await stack.newContext();
    expect(await passwordStep(await after.newPage(), moved)).toBe(false);
    await after.close();
  });

  it('works at 375 px: sign-up, setup wizard, the sign-in modal, and a second method after step-up', async () => {
    const context = await stack.newContext({ width: 375, height: 740 });
    const page = await context.newPage();
    const email = `phone.${Date.now()}@example.com`;
    await register(stack, page, email, true);
    await shot(page, 'home');
    // Right after sign-up the first method needs no identity check.
    const { backupCodes } = await enrollAuthenticator(page, true);
    await signOut(page);
    expect(await passwordStep(page, email)).toBe(true);
    await shot(page, 'sign-in-modal');
    const box = await page.getByRole('dialog', { name: 'Two-factor authentication' }).boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(370); // full screen on phones
    await page.getByRole('button', { name: 'Use a backup code' }).click();
    await page.getByRole('textbox', { name: 'Backup code' }).fill(backupCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await visible(page, page.getByRole('heading', { name: /you are signed in/i }));
    await page.goto('/settings/security');
    await visible(page, page.getByRole('heading', { name: 'Backup codes' }));
    await shot(page, 'security-settings');

    // A second method needs step-up even in a fresh session: "Confirm it's you" (password and a
    // backup code), then the wizard sends the email code by itself and one code finishes it.
    await page.goto('/setup');
    await page.getByRole('radio', { name: /email codes/i }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await visible(page, page.getByRole('dialog', { name: 'Confirm it’s you' }));
    await shot(page, 'setup-step-up');
    await confirmItsYou(page, backupCodes[1]!);
    const emailCode = page.getByRole('textbox', { name: 'Code from the email' });
    await visible(page, emailCode);
    await emailCode.fill(await mailedCode(stack, email));
    await visible(page, page.getByText('Email codes added.'));
    await expect
      .poll(() => new URL(page.url()).pathname, { timeout: 15_000 })
      .toBe('/settings/security');
    await visible(page, page.getByRole('button', { name: 'Remove Email code' }));
    await context.close();
  });
});
