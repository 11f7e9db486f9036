import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient } from '@twofold/db';
import { createTestDbClient } from '@twofold/db/testing';
import { buildApp, type App } from '../src/app.js';
import { redactUrl, contextOf } from '@twofold/fastify/internal';
import { Client, latestMail, signUp, testConfig } from './helpers/app.js';

/**
 * Security rule: no code travels in a URL query string, and logs never contain a code. The
 * reset link carries email and code in the fragment (no server sees it); request URLs are
 * logged with code-like query values redacted all the same (an old link, a careless client).
 */

let db: DbClient;
let app: App;
const lines: string[] = [];
beforeAll(async () => {
  db = await createTestDbClient();
  app = await buildApp({
    config: testConfig(),
    db,
    logger: { level: 'trace', stream: { write: (line: string) => void lines.push(line) } },
  });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

describe('a password reset link', () => {
  it('puts email and code in the fragment, never in a query string', async () => {
    const { email } = await signUp(app, db);
    await new Client(app).post('/api/auth/password/forgot', { email });
    const mail = await latestMail(db, email);
    const code = mail!.text.match(/\b(\d{6})\b/)![1]!;
    expect(mail!.text).toContain(
      `${contextOf(app).config.appUrl}/reset-password#email=${encodeURIComponent(email)}&code=${code}`,
    );
    for (const part of [mail!.text, mail!.html]) {
      expect(part).toContain('/reset-password#email=');
      expect(part).not.toMatch(/\?[^\s"]*code=/);
    }
    // Nothing logged while sending it holds the code.
    expect(lines.join('\n')).not.toContain(code);
  });

  it('requested the old way (code in the query), leaves no code in the request log', async () => {
    lines.length = 0;
    const email = 'someone%40example.com';
    await app.inject({ method: 'GET', url: `/reset-password?email=${email}&code=424242` });
    await app.inject({ method: 'GET', url: `/api/health?c=818181&note=x` });
    await app.inject({ method: 'GET', url: `/anything?backup=abcde-fghij` });
    const log = lines.join('\n');
    expect(log).toContain('/reset-password?');
    expect(log).toContain('incoming request');
    for (const secret of ['424242', '818181', 'abcde-fghij']) expect(log).not.toContain(secret);
  });
});

describe('redactUrl', () => {
  it.each([
    ['/reset-password?email=a%40b.c&code=123456', '/reset-password?email=a%40b.c&code=[redacted]'],
    ['/x?token=abc', '/x?token=[redacted]'],
    ['/x?q=12345678', '/x?q=[redacted]'],
    ['/x?q=ABCDE-FGHIJ', '/x?q=[redacted]'],
    ['/x?123456', '/x?[redacted]'],
    ['/x?page=2&sort=name', '/x?page=2&sort=name'],
    ['/x', '/x'],
    ['/x?code=%E0%A4%A', '/x?code=[redacted]'],
  ])('%s -> %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
