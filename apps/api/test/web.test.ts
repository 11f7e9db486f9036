import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDbClient } from '@twofold/db/testing';
import type { DbClient } from '@twofold/db';
import type { App } from '../src/app.js';
import { ephemeralSecretEnv } from '@twofold/fastify';
import { loadConfig } from '../src/config.js';
import { buildTestApp, signUp } from './helpers/app.js';

const INDEX_HTML =
  '<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>';
const APP_JS = 'console.log("twofold");';
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

let db: DbClient;
let app: App;
let plain: App;
let dist: string;
beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'twofold-web-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), INDEX_HTML);
  writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), APP_JS);
  db = await createTestDbClient();
  app = await buildTestApp(db, { env: { WEB_DIST_DIR: dist } });
  plain = await buildTestApp(db);
});
afterAll(async () => {
  await app?.close();
  await plain?.close();
  await db?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

function expectIndex(response: Awaited<ReturnType<App['inject']>>) {
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  expect(response.body).toBe(INDEX_HTML);
  expect(response.headers['cache-control']).toBe('no-cache');
  expect(response.headers['content-security-policy']).toBe(CSP);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['referrer-policy']).toBe('same-origin');
}

describe('the built SPA (WEB_DIST_DIR)', () => {
  it('serves index.html at / with no-cache and the security headers', async () => {
    expectIndex(await app.inject({ method: 'GET', url: '/' }));
    expectIndex(await app.inject({ method: 'GET', url: '/index.html' }));
  });

  it('answers client-side routes with index.html, signed in or not', async () => {
    for (const url of ['/settings/security', '/admin', '/dev/mailbox', '/sign-in?next=%2Fadmin']) {
      expectIndex(await app.inject({ method: 'GET', url }));
    }
    const { client } = await signUp(app, db);
    expectIndex(await client.get('/setup'));
  });

  it('caches hashed assets for a year', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(APP_JS);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const head = await app.inject({ method: 'HEAD', url: '/assets/app-abc123.js' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves unhashed top-level files with revalidation', async () => {
    const response = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing file with a 404, never the page', async () => {
    for (const url of ['/assets/app-old999.js', '/robots.txt', '/assets/']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, `${url} ${response.body}`).toBe(404);
      expect(response.body, url).not.toContain('<div id="root">');
    }
  });

  it('keeps the JSON 404 for unknown /api paths', async () => {
    for (const [method, url] of [
      ['GET', '/api/nope'],
      ['GET', '/api'],
      ['GET', '/api/mfa/nope/deeper'],
      ['POST', '/api/nope'],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/json/);
      expect(response.json(), url).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('leaves the API as it was', async () => {
    const health = await app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    const session = await app.inject({ method: 'GET', url: '/api/mfa' });
    expect(session.statusCode).toBe(401);
    expect(session.json().code).toBe('UNAUTHENTICATED');
  });
});

describe('without WEB_DIST_DIR', () => {
  it('serves nothing at / or /assets', async () => {
    for (const url of ['/', '/admin', '/assets/app-abc123.js']) {
      const response = await plain.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('refuses to start when the folder has no index.html', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'twofold-web-empty-'));
    try {
      await expect(buildTestApp(db, { env: { WEB_DIST_DIR: empty } })).rejects.toThrow(
        /no index\.html/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('WEB_DIST_DIR defaults', () => {
  const secrets = { ...ephemeralSecretEnv(), SMTP_URL: 'smtp://127.0.0.1:2525' };
  const options = { log: () => {} };

  it('is unset outside production unless given', () => {
    expect(loadConfig({ NODE_ENV: 'test', ...secrets }, options).webDistDir).toBeUndefined();
    expect(
      loadConfig({ NODE_ENV: 'test', ...secrets, WEB_DIST_DIR: 'some/dist' }, options).webDistDir,
    ).toBe(path.resolve('some/dist'));
  });

  it('is set in production only when apps/web/dist exists', () => {
    const production = loadConfig({ NODE_ENV: 'production', ...secrets }, options).webDistDir;
    const expected = path.resolve(import.meta.dirname, '../../web/dist');
    expect(production).toBe(existsSync(expected) ? expected : undefined);
  });
});
