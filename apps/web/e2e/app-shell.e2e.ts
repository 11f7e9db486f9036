import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { expectAccessible } from './axe';
import {
  confirmItsYou,
  DEFAULT_USER_POLICY,
  enrollAuthenticator,
  PASSWORD,
  register,
  setUserPolicy,
  shot,
  visible,
} from './journey';
import { chromiumAvailable, startStack, type Stack } from './stack';

const run = chromiumAvailable();
let stack: Stack;
const PHONE = { width: 375, height: 740 };
// One row of the header: its padding and a 44 px control; two rows are over 100 px.
const ONE_ROW_MAX = 72;

const email = (name: string) => `${name}.${Date.now()}@example.com`;
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const signedInHeading = (page: Page) => page.getByRole('heading', { name: /you are signed in/i });

async function height(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not on screen');
  return box.height;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
type Box = { x: number; y: number; width: number; height: number };

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not on screen');
  return box;
}

async function signIn(page: Page, address: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(address);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe.skipIf(!run)('the app shell in Chromium', () => {
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps the skip link out of sight until Tab, and makes setting up the primary action', async () => {
    const context = await stack.newContext();
    const page = await context.newPage();
    await register(stack, page, email('skip'));
    // A fresh load, as a person arriving at the page: focus starts at the top of the document.
    await page.goto('/');
    await visible(page, signedInHeading(page));

    // Nothing of the skip link shows (not even a shadow): the top-left corner looks the same
    // with the link taken out of the page.
    const corner = { x: 0, y: 0, width: 320, height: 72 };
    const skip = page.getByRole('link', { name: 'Skip to content' });
    const element = await skip.elementHandle();
    const withLink = await page.screenshot({ clip: corner });
    await element!.evaluate((el) => ((el as unknown as StyleHolder).style.display = 'none'));
    const withoutLink = await page.screenshot({ clip: corner });
    await element!.evaluate((el) => ((el as unknown as StyleHolder).style.display = ''));
    expect(withLink.equals(withoutLink)).toBe(true);

    // The first Tab shows it, whole and on screen.
    await page.keyboard.press('Tab');
    await expect.poll(() => skip.evaluate((el) => el === document.activeElement)).toBe(true);
    const box = await boxOf(skip);
    expect(box.width).toBeGreaterThan(80);
    expect(box.height).toBeGreaterThan(20);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect((await page.screenshot({ clip: corner })).equals(withoutLink)).toBe(false);
    await shot(page, 'shell-skip-link-focused');

    // Setting up two-factor is what the page asks for: its button is the primary one.
    const cta = page.getByRole('link', { name: 'Set up two-factor authentication' });
    await visible(page, cta);
    expect(await cta.getAttribute('class')).toContain('btn--primary');
    await shot(page, 'shell-home-cta');
    await context.close();
  });

  it('folds the menu behind a button on a phone, one header row, usable by keyboard', async () => {
    const context = await stack.newContext(PHONE);
    const page = await context.newPage();
    await register(stack, page, email('phone'));

    const header = page.getByRole('banner');
    expect(await height(header)).toBeLessThanOrEqual(ONE_ROW_MAX);
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav(page).getByRole('link', { name: 'Security' }).isVisible()).toBe(false);
    await shot(page, 'shell-phone-menu-closed');

    // Keyboard: Enter opens it, Tab reaches its links, Escape closes it and returns to the button.
    await menu.focus();
    await page.keyboard.press('Enter');
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await visible(page, nav(page).getByRole('link', { name: 'Security' }));
    await visible(page, nav(page).getByRole('button', { name: 'Sign out' }));
    expect(await height(header)).toBeLessThanOrEqual(ONE_ROW_MAX);
    await shot(page, 'shell-phone-menu-open');
    await expectAccessible(page, 'phone menu open');
    await page.keyboard.press('Tab');
    expect(
      await nav(page)
        .getByRole('link', { name: 'Account' })
        .evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await nav(page).getByRole('link', { name: 'Security' }).isVisible()).toBe(false);

    // A followed link closes it.
    await menu.click();
    await nav(page).getByRole('link', { name: 'Security' }).click();
    await visible(page, page.getByRole('heading', { name: 'Security', level: 1 }));
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await context.close();
  });

  it('places notices clear of new backup codes', async () => {
    for (const viewport of [undefined, PHONE]) {
      const context = await stack.newContext(viewport);
      const page = await context.newPage();
      await register(stack, page, email('codes'));
      const { backupCodes } = await enrollAuthenticator(page);

      await page.goto('/settings/security');
      await page.getByRole('button', { name: 'Generate new codes' }).click();
      const confirm = page.getByRole('dialog', { name: /new backup codes/i });
      await visible(page, confirm);
      await confirm.getByRole('button', { name: /generate/i }).click();
      const codes = page.getByRole('list', { name: 'New backup codes' });
      const stepUp = page.getByRole('dialog', { name: 'Confirm it’s you' });
      await expect
        .poll(async () => (await codes.isVisible()) || (await stepUp.isVisible()), {
          timeout: 15_000,
        })
        .toBe(true);
      if (await stepUp.isVisible()) await confirmItsYou(page, backupCodes[0]!);
      const toast = page.getByText('New backup codes created. The old ones no longer work.');
      await visible(page, codes);
      await visible(page, toast);
      const toastBox = await boxOf(toast.locator('xpath=..'));
      expect(overlaps(toastBox, await boxOf(codes))).toBe(false);
      expect(
        overlaps(toastBox, await boxOf(page.getByRole('button', { name: 'Copy codes' }))),
      ).toBe(false);
      await shot(page, 'shell-toast-backup-codes');
      // Dismissable by hand.
      await page.getByRole('button', { name: 'Dismiss notification' }).click();
      await expect.poll(() => toast.isVisible()).toBe(false);
      await context.close();
    }
  });

  it('says plainly when the API is down, keeps the menu honest, and recovers when it is back', async () => {
    const signedIn = await stack.newContext();
    const page = await signedIn.newPage();
    await register(stack, page, email('down'));
    const visitor = await stack.newContext();
    const other = await visitor.newPage();
    const phone = await (await stack.newContext(PHONE)).newPage();
    // The same session in a tab whose timers the test moves by hand, so Retry, not the
    // automatic re-check, is what brings it back.
    const sameUser = await stack.newContext();
    await sameUser.addCookies(await signedIn.cookies());
    const retryPage = await sameUser.newPage();
    // Paused, not only installed: an installed clock still flows, and the 5-second re-check
    // could then bring the page back before Retry is pressed.
    await retryPage.clock.install();
    await retryPage.clock.pauseAt(Date.now() + 1_000);

    await stack.stopApi();
    try {
      // Signing out fails: the reason is a notice outside the menu, and the header stays one row.
      await nav(page).getByRole('button', { name: 'Sign out' }).click();
      const notice = page.getByText(/could not sign out/i);
      await visible(page, notice);
      expect(
        await nav(page)
          .getByText(/could not sign out/i)
          .count(),
      ).toBe(0);
      expect(await height(page.getByRole('banner'))).toBeLessThanOrEqual(ONE_ROW_MAX);
      await shot(page, 'shell-sign-out-failed');

      // A fresh visit: a heading, the reason, Retry; the menu claims no session either way.
      await retryPage.goto('/');
      const down = (p: Page) => p.getByRole('heading', { name: /can’t be reached/i, level: 1 });
      await expect
        .poll(async () => {
          await retryPage.clock.runFor(2_000); // past the query's own retries
          return down(retryPage).isVisible();
        })
        .toBe(true);
      for (const p of [page, other, phone, retryPage]) {
        if (p !== retryPage) await p.goto('/');
        await visible(p, down(p));
        await visible(p, p.getByRole('button', { name: 'Retry', exact: true }));
        expect(await nav(p).getByRole('link', { name: 'Sign in' }).count()).toBe(0);
        expect(await nav(p).getByRole('link', { name: 'Create account' }).count()).toBe(0);
        expect(await nav(p).getByRole('button', { name: 'Sign out' }).count()).toBe(0);
      }
      await visible(page, nav(page).getByRole('button', { name: 'Reconnect' }));
      await expectAccessible(page, 'API down');
      await shot(page, 'shell-api-down');
      await shot(phone, 'shell-api-down');
      await phone.getByRole('button', { name: 'Menu' }).click();
      await visible(phone, nav(phone).getByRole('button', { name: 'Reconnect' }));
      await shot(phone, 'shell-api-down-menu');
      await expectAccessible(phone, 'API down, phone menu open');

      // /register keeps its form; its menu says the same as everywhere else.
      await other.goto('/register');
      await visible(other, other.getByRole('heading', { name: /create (an |your )?account/i }));
      await visible(other, nav(other).getByRole('button', { name: 'Reconnect' }));
      expect(await nav(other).getByRole('link', { name: 'Sign in' }).count()).toBe(0);
      expect(await height(other.getByRole('banner'))).toBeLessThanOrEqual(ONE_ROW_MAX);
      await shot(other, 'shell-register-api-down');
      await other.goto('/');
      await visible(other, other.getByRole('button', { name: 'Retry', exact: true }));
    } finally {
      await stack.startApi();
    }

    // Retry brings the page back with its session.
    await retryPage.getByRole('button', { name: 'Retry', exact: true }).click();
    // The page's timers move only when the test moves them (answers reach React through one).
    await expect
      .poll(
        async () => {
          await retryPage.clock.runFor(100);
          return signedInHeading(retryPage).isVisible();
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await visible(retryPage, nav(retryPage).getByRole('link', { name: 'Security' }));
    // Left alone, the other pages check again by themselves: the signed-in one shows the
    // account, the visitor's moves on to signing in.
    await visible(page, signedInHeading(page));
    await visible(other, other.getByRole('heading', { name: 'Sign in', level: 1 }));
    await visible(other, nav(other).getByRole('link', { name: 'Create account' }));
    for (const context of [signedIn, visitor, phone.context(), sameUser]) await context.close();
  });

  it('shows a user whom the policy forces to set up only what they can use', async () => {
    const userEmail = email('forced');
    const userContext = await stack.newContext();
    const userPage = await userContext.newPage();
    await register(stack, userPage, userEmail);
    await userPage.getByRole('button', { name: 'Sign out' }).click();
    await visible(userPage, userPage.getByRole('heading', { name: 'Sign in', level: 1 }));

    // The admin requires two-factor for every user, with no grace period.
    const admin = await (await stack.newContext()).newPage();
    await register(stack, admin, stack.adminEmail);
    expect(await setUserPolicy(admin, { required: true, graceDays: 0 }, PASSWORD)).toBe(200);
    try {
      await signIn(userPage, userEmail);
      await expect.poll(() => new URL(userPage.url()).pathname, { timeout: 15_000 }).toBe('/setup');
      await visible(userPage, userPage.getByRole('radio', { name: /authenticator app/i }));
      const menu = nav(userPage);
      await visible(userPage, menu.getByRole('link', { name: 'Set up two-factor' }));
      await visible(userPage, menu.getByRole('button', { name: 'Sign out' }));
      expect(await menu.getByRole('link', { name: 'Account' }).count()).toBe(0);
      expect(await menu.getByRole('link', { name: 'Security' }).count()).toBe(0);
      expect(await menu.getByRole('link', { name: 'Admin' }).count()).toBe(0);
      await shot(userPage, 'shell-forced-setup');
      await expectAccessible(userPage, 'forced setup');
    } finally {
      // On PostgreSQL (CI) every browser suite shares one database: put the default back, or
      // each account a later suite creates would be forced into setup.
      expect(await setUserPolicy(admin, DEFAULT_USER_POLICY, PASSWORD)).toBe(200);
      await admin.context().close();
    }
    await userContext.close();
  });
});

type StyleHolder = { style: { display: string } };
declare const document: { activeElement: unknown };
