import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDbClient } from '@twofold/db/testing';
import type { DbClient } from '@twofold/db';
import { buildApp, type App } from '../src/app.js';
import { testConfig } from './helpers/app.js';

let db: DbClient;
let app: App;
beforeAll(async () => {
  db = await createTestDbClient();
  app = await buildApp({
    config: testConfig({ RATE_LIMIT_AUTH_MAX: '3' }),
    db,
    logger: false,
    extend(host) {
      host.get('/auth/host-probe', { config: { auth: 'public' } }, async () => ({ ok: true }));
      host.get('/host/private', async () => ({ ok: true }));
      host.post('/host/action', { config: { auth: 'public' } }, async () => ({ ok: true }));
      host.get('/host/broken', { config: { auth: 'public' } }, async () => {
        throw new Error('secret detail');
      });
    },
  });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

it('gives a host route under /api/auth/ the per-IP auth limit, answered in the error shape', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i += 1) {
    const response = await app.inject({ method: 'GET', url: '/api/auth/host-probe' });
    statuses.push(response.statusCode);
    if (response.statusCode === 429) {
      expect(response.json()).toMatchObject({ code: 'RATE_LIMITED', message: expect.any(String) });
      expect(response.headers['retry-after']).toBeDefined();
    } else {
      expect(response.json()).toEqual({ ok: true });
    }
  }
  expect(statuses).toEqual([200, 200, 200, 429]);
});

it('closes host routes that declare no auth mode, like its own', async () => {
  const response = await app.inject({ method: 'GET', url: '/api/host/private' });
  expect(response.statusCode).toBe(401);
  expect(response.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
});

it('refuses cross-site writes to host routes', async () => {
  const response = await app.inject({
    method: 'POST',
    url: '/api/host/action',
    headers: { origin: 'https://evil.example' },
  });
  expect(response.statusCode).toBe(403);
  expect(response.json().code).toBe('CSRF_REJECTED');
});

it("answers a host route's unexpected error as a generic 500 without its message", async () => {
  const response = await app.inject({ method: 'GET', url: '/api/host/broken' });
  expect(response.statusCode).toBe(500);
  expect(response.json()).toEqual({ code: 'INTERNAL_ERROR', message: expect.any(String) });
  expect(response.body).not.toContain('secret detail');
});
