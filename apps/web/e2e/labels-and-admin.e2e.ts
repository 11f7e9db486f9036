import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { expectAccessible } from './axe';
import { chromiumAvailable, startStack, type Stack } from './stack';
import {
  confirmItsYou,
  DEFAULT_USER_POLICY,
  enrollAuthenticator,
  passwordStep,
  register,
  searchUsers,
  setUserPolicy,
  shot,
  signOut,
  visible,
} from './journey';

const run = chromiumAvailable();
let stack: Stack;

/** Values that are codes, not words: none of them may reach the screen. */
const RAW = [/backup_code/, /\bAAL\d?\b/, /\bpwd\b/, /\b(login|mfa|step_up)\.[a-z_]+/, /Mozilla\//];

async function expectNoRawValues(page: Page, extra: RegExp[] = []) {
  const text = await page.locator('main').innerText();
  for (const raw of [...RAW, ...extra]) expect(text, `${raw} on ${page.url()}`).not.toMatch(raw);
}

/** What a person reads beside "Verified with" on the home page. */
async function verifiedWith(page: Page) {
  await visible(page, page.getByRole('heading', { name: /you are signed in/i }));
  const term = page.locator('dt', { hasText: 'Verified with' });
  return (await term.locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

// The e2e project has no DOM types: the page's globals used here, typed by hand.
type PageGlobals = {
  getComputedStyle(element: unknown): { color: string };
  document: { activeElement: unknown };
};

/** How far an element's content reaches past its box, in CSS pixels (0: it fits). */
function overflowOf(locator: Locator) {
  return locator.evaluate((element) => element.scrollWidth - element.clientWidth);
}

describe.skipIf(!run)('labels and the admin page in Chromium', () => {
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('names how a session was proved, and shows one sign-in as one entry and failures as failures', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    const email = `labels.${Date.now()}@example.com`;
    await register(stack, page, email);
    const { backupCodes } = await enrollAuthenticator(page);

    // A wrong backup code first (a failure for the list), then a right one, trusting the browser.
    await signOut(page);
    expect(await passwordStep(page, email)).toBe(true);
    await page.getByRole('button', { name: 'Use a backup code' }).click();
    const code = page.getByRole('textbox', { name: 'Backup code' });
    await code.fill('aaaaa-aaaaa');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => code.getAttribute('aria-invalid'), { timeout: 15_000 }).toBe('true');
    await code.fill(backupCodes[0]!);
    await page.getByLabel('Trust this browser for 30 days').check();
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await verifiedWith(page)).toBe('Password and backup code');
    await expectNoRawValues(page, [/\bdevice\b/]);
    await expectAccessible(page, 'home after a backup-code sign-in');
    await shot(page, 'home-backup-code');

    // The trusted browser skips the second step, and the page says so in words.
    await signOut(page);
    expect(await passwordStep(page, email)).toBe(false);
    expect(await verifiedWith(page)).toBe('Password and trusted browser');
    await expectNoRawValues(page, [/\bdevice\b/]);

    await page.goto('/settings/security');
    const activity = page.getByRole('list', { name: 'Security activity' });
    await visible(page, activity);
    const entries = activity.getByRole('listitem');

    // The wrong code: marked "Failed" in words and with an icon, not by colour alone.
    const failure = entries.filter({ hasText: 'Second step: wrong backup code' });
    await visible(page, failure);
    expect(await failure.count()).toBe(1);
    expect(await failure.innerText()).toMatch(/^Failed\b/i);
    expect(await failure.locator('svg').count()).toBe(1);
    const success = entries.filter({ hasText: 'With password and trusted browser' });
    const titleColour = (item: Locator) =>
      item
        .locator('.activity__title')
        .evaluate(
          (element) => (globalThis as unknown as PageGlobals).getComputedStyle(element).color,
        );
    expect(await titleColour(failure)).not.toBe(await titleColour(success));
    expect(await success.locator('svg').count()).toBe(0);

    // One sign-in is one entry: the challenge, the second step, the backup code spent and the
    // browser trusted are its details, not rows of their own.
    const backupSignIn = entries.filter({ hasText: 'With password and backup code' });
    expect(await backupSignIn.count()).toBe(1);
    const details = await backupSignIn.innerText();
    expect(details).toContain('This browser is now trusted');
    expect(details).toContain('9 backup codes left');
    expect(details).toContain('Chrome on Linux');
    for (const step of ['Second step completed', 'Backup code used', 'Sign-in not finished'])
      expect(await entries.filter({ hasText: step }).count(), step).toBe(0);
    expect(await entries.filter({ hasText: /^Signed in/ }).count()).toBe(3);
    await expectNoRawValues(page);
    await expectAccessible(page, 'security settings with a failure in the activity list');
    await shot(page, 'activity');

    await page.setViewportSize({ width: 375, height: 800 });
    await visible(page, activity);
    expect(await overflowOf(page.locator('html'))).toBe(0);
    await shot(page, 'activity');
    await context.close();
  });

  it('fits the users table, offers reset only where there is one, and words grace and events', async () => {
    const admin = await stack.newContext();
    const page = await admin.newPage();
    await register(stack, page, stack.adminEmail);
    const { backupCodes } = await enrollAuthenticator(page);

    // Bob has an authenticator app; Carol has no two-factor at all. Both use long addresses,
    // as real ones can be.
    const stamp = Date.now();
    const bobEmail = `bob.with.a.rather.long.address.${stamp}@example.com`;
    const carolEmail = `carol.${stamp}@example.com`;
    const bob = await stack.newContext();
    const bobPage = await bob.newPage();
    await register(stack, bobPage, bobEmail);
    await enrollAuthenticator(bobPage);
    await bob.close();
    const carol = await stack.newContext();
    await register(stack, await carol.newPage(), carolEmail);
    await carol.close();

    await page.goto('/admin');
    const ownRow = page.getByRole('row', { name: new RegExp(stack.adminEmail) });
    await searchUsers(page, stack.adminEmail);
    await visible(page, ownRow.getByRole('link', { name: 'Your security settings' }));
    expect(await ownRow.getByRole('button', { name: /reset/i }).count()).toBe(0);
    // Both of them, by what their addresses share.
    await searchUsers(page, String(stamp));
    const bobRow = page.getByRole('row', { name: new RegExp(bobEmail.replace(/\./g, '\\.')) });
    const carolRow = page.getByRole('row', { name: new RegExp(carolEmail.replace(/\./g, '\\.')) });
    await visible(page, bobRow);
    await visible(page, carolRow);

    // At 1280 px the table fits its card: nothing reaches past it, nothing scrolls sideways.
    const table = page.getByRole('table', { name: 'Users' });
    const card = page.locator('section.card', { has: table });
    expect(await overflowOf(card)).toBe(0);
    const [tableBox, cardBox] = [await table.boundingBox(), await card.boundingBox()];
    expect(tableBox!.x + tableBox!.width).toBeLessThanOrEqual(cardBox!.x + cardBox!.width);
    expect(await overflowOf(page.locator('html'))).toBe(0);

    // Reset is offered for two-factor that is on, in the page's own words, never on one's own row.
    expect(await carolRow.getByRole('button', { name: /reset/i }).count()).toBe(0);
    await visible(page, bobRow.getByRole('button', { name: `Reset two-factor for ${bobEmail}` }));
    expect(await page.getByText(/\bMFA\b/).count()).toBe(0);

    // No grace days: the page does not say people "have until" a moment already past.
    const users = page.getByRole('group', { name: 'Users' });
    const requireSwitch = users.getByRole('switch', { name: 'Require two-factor authentication' });
    if (!(await requireSwitch.isChecked())) {
      await users.getByText('Require two-factor authentication').click();
    }
    expect(await requireSwitch.isChecked()).toBe(true);
    await users.getByRole('spinbutton', { name: 'Grace days' }).fill('0');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await confirmItsYou(page, backupCodes[0]!);
    await visible(page, page.getByText('Two-factor policy saved.'));
    try {
      const status = users.getByText(/^Required since/);
      await visible(page, status);
      expect(await status.innerText()).toMatch(
        /no grace period: people without it set it up the next time they sign in\.$/,
      );
      expect(await users.innerText()).not.toContain('have until');
      await expectAccessible(page, 'admin page');
      await shot(page, 'admin');

      await page.setViewportSize({ width: 375, height: 800 });
      await visible(page, bobRow);
      expect(await overflowOf(page.locator('html'))).toBe(0);
      await shot(page, 'admin');
      await page.setViewportSize({ width: 1280, height: 800 });

      // Bob's events: his browser by name, worded as on his own page, and a list the keyboard reaches.
      await bobRow.getByRole('button', { name: `View events for ${bobEmail}` }).click();
      const eventsDialog = page.getByRole('dialog', { name: 'Security events' });
      const events = eventsDialog.getByRole('list', { name: 'Security events' });
      await visible(page, events);
      const eventsText = await events.innerText();
      expect(eventsText).toContain('Chrome on Linux');
      expect(eventsText).toContain('Account created');
      expect(eventsText).not.toContain('Mozilla/');
      expect(eventsText).not.toMatch(/\b[a-z_]+\.[a-z_]+\b/);
      let reached = false;
      for (let step = 0; step < 4 && !reached; step += 1) {
        await page.keyboard.press('Tab');
        reached = await events.evaluate(
          (element) => element === (globalThis as unknown as PageGlobals).document.activeElement,
        );
      }
      expect(reached, 'Tab reaches the events list').toBe(true);
      await expectAccessible(page, 'events dialog');
      await shot(page, 'admin-events');
      await eventsDialog.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => eventsDialog.isVisible()).toBe(false);

      // The reset itself, in the same words.
      await bobRow.getByRole('button', { name: `Reset two-factor for ${bobEmail}` }).click();
      const resetDialog = page.getByRole('dialog', { name: 'Reset two-factor authentication?' });
      await visible(page, resetDialog);
      await expectAccessible(page, 'reset dialog');
      await resetDialog.getByRole('button', { name: 'Reset two-factor' }).click();
      await visible(page, page.getByText(`Two-factor authentication reset for ${bobEmail}.`));
      // With two-factor now off, there is nothing left to reset.
      await expect
        .poll(() => bobRow.getByRole('button', { name: /reset/i }).count(), { timeout: 15_000 })
        .toBe(0);
    } finally {
      // On PostgreSQL (CI) every browser suite shares one database: put the default back (the
      // step-up window is open), or each account a later suite creates would be forced into setup.
      expect(await setUserPolicy(page, DEFAULT_USER_POLICY)).toBe(200);
      await admin.close();
    }
  });
});
