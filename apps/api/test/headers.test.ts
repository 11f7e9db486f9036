import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { contextOf } from '@twofold/fastify/internal';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { ephemeralSecretEnv } from '@twofold/fastify';
import { loadConfig } from '../src/config.js';
import { buildTestApp, signUp, useTestApp } from './helpers/app.js';
import { enrollTotp } from './helpers/mfa.js';

const HSTS = 'max-age=31536000; includeSubDomains';
const ctx = useTestApp();

function expectNoStore(response: LightMyRequestResponse, label: string) {
  expect(response.headers['cache-control'], label).toBe('no-store');
}

describe('Cache-Control on /api', () => {
  it('is no-store on successes, errors, 404s, 429s and 503s', async () => {
    const { app } = ctx;
    const health = await app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expectNoStore(health, 'health');

    // The answers that carry secrets: a TOTP secret and the backup codes.
    const { client } = await signUp(app, ctx.db);
    const started = await client.post('/api/mfa/totp', {});
    expect(started.statusCode).toBe(201);
    expectNoStore(started, 'POST /api/mfa/totp');
    await client.post('/api/mfa/totp', {}); // the same pending secret again
    const { backupCodes } = await enrollTotp(client);
    expect(backupCodes).toHaveLength(10);
    expectNoStore(await client.get('/api/mfa'), 'GET /api/mfa');

    const notFound = await app.inject({ method: 'GET', url: '/api/nope' });
    expect(notFound.statusCode).toBe(404);
    expectNoStore(notFound, '404');

    const unauthenticated = await app.inject({ method: 'GET', url: '/api/auth/session' });
    expect(unauthenticated.statusCode).toBe(401);
    expectNoStore(unauthenticated, '401');

    const invalid = await app.inject({ method: 'POST', url: '/api/auth/login', payload: {} });
    expect(invalid.json().code).toBe('VALIDATION_ERROR');
    expectNoStore(invalid, '400');

    // Answered before any hook runs: a malformed URL and an over-long parameter.
    const badUrl = await app.inject({ method: 'GET', url: '/api/mfa/factors/%zz' });
    expect(badUrl.statusCode).toBe(400);
    expectNoStore(badUrl, 'bad URL');
    const longParam = await app.inject({
      method: 'DELETE',
      url: `/api/sessions/${'a'.repeat(300)}`,
    });
    expect(longParam.statusCode).toBeLessThan(500);
    expectNoStore(longParam, 'long param');

    const limited = await buildTestApp(ctx.db, { env: { RATE_LIMIT_AUTH_MAX: '1' } });
    const notReady = await buildTestApp(ctx.db);
    contextOf(notReady).dbClient.ping = () => Promise.reject(new Error('connection refused'));
    try {
      const login = () =>
        limited.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: 'x@example.com', password: 'whatever pass' },
        });
      await login();
      const tooMany = await login();
      expect(tooMany.statusCode).toBe(429);
      expectNoStore(tooMany, '429');

      const unavailable = await notReady.inject({ method: 'GET', url: '/api/ready' });
      expect(unavailable.statusCode).toBe(503);
      expectNoStore(unavailable, '503');
    } finally {
      await limited.close();
      await notReady.close();
    }
  });

  it('sends no HSTS outside production', async () => {
    const health = await ctx.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('the Host check outside production', () => {
  const hosted = (app: App, host: string, url = '/api/health') =>
    app.inject({ method: 'GET', url, headers: { host } });

  it('refuses a Host that is not its own with 403 HOST_NOT_ALLOWED, on every path', async () => {
    for (const host of [
      'attacker.example',
      'attacker.example:3000',
      'localhost.attacker.example',
      'mylocalhost',
      '127.0.0.1.nip.io',
      '[::1',
      'localhost:abc',
    ]) {
      for (const url of ['/api/health', '/api/dev/mailbox', '/api/nope', '/']) {
        const refused = await hosted(ctx.app, host, url);
        expect(refused.statusCode, `${host} ${url}`).toBe(403);
        expect(refused.json().code, `${host} ${url}`).toBe('HOST_NOT_ALLOWED');
        if (url.startsWith('/api')) expectNoStore(refused, `${host} ${url}`);
      }
    }
    // Refused before anything else runs: a rebinding page cannot sign in either.
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { host: 'attacker.example' },
      payload: { email: 'x@example.com', password: 'whatever pass' },
    });
    expect(login.json().code).toBe('HOST_NOT_ALLOWED');
  });

  it('answers loopback names, *.localhost, IP addresses, APP_URL and HOST, with any port', async () => {
    const own = await buildTestApp(ctx.db, {
      env: { APP_URL: 'http://twofold.test:8080', HOST: 'devbox.lan' },
    });
    try {
      for (const host of [
        'localhost',
        'localhost:5173',
        'LOCALHOST:3000',
        '127.0.0.1:3000',
        '[::1]:3000',
        '[::1]',
        'app.localhost:5173',
        '192.168.1.20:5173',
        'twofold.test',
        'twofold.test:8080',
        'devbox.lan:3000',
      ]) {
        const answer = await hosted(own, host);
        expect(answer.statusCode, host).toBe(200);
      }
      expect((await hosted(own, 'other.test')).statusCode).toBe(403);
    } finally {
      await own.close();
    }
  });
});

describe('an app built with NODE_ENV=production', () => {
  let app: App;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'twofold-headers-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Twofold</title>');
    writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), 'console.log(1);');
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        DATA_DIR: dist,
        SMTP_URL: 'smtp://127.0.0.1:2525',
        APP_URL: 'https://twofold.example.com',
        WEB_DIST_DIR: dist,
        LOG_LEVEL: 'silent',
        ...ephemeralSecretEnv(),
      },
      { log: () => {} },
    );
    app = await buildTestApp(ctx.db, { config });
  });
  afterAll(async () => {
    await app?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('sends HSTS on every answer: the API, its errors and the SPA files', async () => {
    const answers: [string, LightMyRequestResponse][] = [];
    for (const url of [
      '/api/health',
      '/api/nope',
      '/api/auth/session',
      '/api/mfa/factors/%zz',
      '/',
      '/settings/security',
      '/assets/app-abc123.js',
      '/favicon.svg',
      '/assets/missing.js',
    ]) {
      answers.push([url, await app.inject({ method: 'GET', url })]);
    }
    answers.push([
      'POST /api/auth/login {}',
      await app.inject({ method: 'POST', url: '/api/auth/login', payload: {} }),
    ]);
    for (const [label, answer] of answers) {
      expect(answer.headers['strict-transport-security'], label).toBe(HSTS);
    }
    const statuses = Object.fromEntries(
      answers.map(([label, answer]) => [label, answer.statusCode]),
    );
    expect(statuses).toMatchObject({ '/': 200, '/assets/app-abc123.js': 200, '/api/nope': 404 });
    // The SPA's files keep their own caching; only /api is no-store.
    const [, asset] = answers.find(([label]) => label === '/assets/app-abc123.js')!;
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const [, page] = answers.find(([label]) => label === '/')!;
    expect(page.headers['cache-control']).toBe('no-cache');
    const [, api] = answers.find(([label]) => label === '/api/health')!;
    expectNoStore(api, 'production /api/health');
  });

  it('answers the public host name: the Host check is for development', async () => {
    const health = await app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { host: 'twofold.example.com' },
    });
    expect(health.statusCode).toBe(200);
  });
});
