import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

// axe-core's browser bundle, injected into the page under test as it is (no wrapper library).
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules plus best practices) on what `page` shows now and fails
 * with the rule, its help text and the offending elements when anything is reported. `screen`
 * names the state in the failure message.
 */
export async function expectAccessible(page: Page, screen: string) {
  // The e2e project has no DOM types: the page's globals are typed by hand here.
  type AxeWindow = {
    axe?: { run(context: unknown, options: object): Promise<{ violations: unknown[] }> };
    document: unknown;
  };
  if (!(await page.evaluate(() => Boolean((globalThis as unknown as AxeWindow).axe)))) {
    await page.addScriptTag({ content: axeSource });
  }
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as AxeWindow;
    const result = await axe!.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return result.violations;
  });
  const report = (violations as AxeViolation[]).map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
  expect(report, `axe on "${screen}"`).toEqual([]);
}
