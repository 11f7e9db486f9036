import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, mailedCode, startStack, type Stack } from './stack';

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

    await page.getByRole('textbox', { name: /verification code/i }).fill(code);
    await page.getByRole('button', { name: /^verify/i }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: /you are signed in/i }).isVisible())
      .toBe(true);
    await context.close();
  });
});
