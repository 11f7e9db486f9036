import type { LightMyRequestResponse } from 'fastify';
import { contextOf } from '@twofold/fastify/internal';
import { describe, expect, it } from 'vitest';
import {
  buildTestApp,
  Client,
  GOOD_PASSWORD,
  signUp,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';
import { allRoutes, fillParams, WRITE_METHODS } from './helpers/route-table.js';

const ctx = useTestApp();

describe('CSRF', () => {
  const login = (headers: Record<string, string>) =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'x@example.com', password: 'whatever pass' },
      headers,
    });

  it('refuses state-changing requests from another origin or site', async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      const response = await login(headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json().code).toBe('CSRF_REJECTED');
    }
  });

  it('refuses every state-changing route from another origin or site, even with a live session', async () => {
    const { client } = await signUp(ctx.app, ctx.db);
    const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const writes = (await allRoutes(ctx.app)).filter((route) => WRITE_METHODS.has(route.method));
    // Not vacuous: the walk reaches every kind of write the API has.
    const methods = new Set(writes.map((route) => route.method));
    expect(methods).toContain('POST');
    expect(methods).toContain('PUT');
    expect(methods).toContain('DELETE');

    for (const route of writes) {
      for (const headers of <Record<string, string>[]>[
        { origin: 'https://evil.example' },
        { 'sec-fetch-site': 'cross-site' },
      ]) {
        const response = await ctx.app.inject({
          method: route.method as 'POST',
          url: fillParams(route.path),
          payload: {},
          headers: { cookie, ...headers },
        });
        const label = `${route.method} ${route.path} ${JSON.stringify(headers)} -> ${response.statusCode} ${response.body.slice(0, 200)}`;
        expect(response.statusCode, label).toBe(403);
        expect(response.json().code, label).toBe('CSRF_REJECTED');
      }
    }
    // Every refusal came before the handler: the session is still live.
    expect((await client.get('/api/auth/session')).statusCode).toBe(200);
  });

  it('lets the SPA origin, same-origin requests and non-browser clients through', async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: 'http://localhost:5173' },
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'http://localhost:80', host: 'localhost:80' },
      {},
    ]) {
      expect((await login(headers)).statusCode, JSON.stringify(headers)).toBe(401);
    }
  });

  it('does not block reads', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('rate limits', () => {
  it('limits every auth route per IP and says when to retry', async () => {
    const limited = await buildTestApp(ctx.db, { env: { RATE_LIMIT_AUTH_MAX: '3' } });
    try {
      for (const url of [
        '/api/auth/login',
        '/api/auth/password/forgot',
        '/api/auth/register/resend',
      ]) {
        const answers = [];
        for (let i = 0; i < 4; i++) {
          answers.push(
            await limited.inject({
              method: 'POST',
              url,
              payload: { email: 'x@example.com', password: 'whatever pass' },
            }),
          );
        }
        const underLimit = answers.slice(0, 3);
        const last = answers[3]!;
        expect(
          underLimit.map((answer) => answer.statusCode),
          url,
        ).not.toContain(429);
        // Under the limit nothing tells the client how many tries it has left.
        expect(
          underLimit.flatMap((answer) =>
            Object.keys(answer.headers).filter((name) => name.startsWith('x-ratelimit')),
          ),
        ).toEqual([]);
        expect(last.statusCode, url).toBe(429);
        expect(last.json().code).toBe('RATE_LIMITED');
        expect(last.json().retryAfter).toBeGreaterThan(0);
        expect(last.headers).toMatchObject({
          'x-ratelimit-limit': '3',
          'x-ratelimit-remaining': '0',
        });
        expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
      }
      // Reading the session is not an auth attempt: the SPA does it on every load.
      for (let i = 0; i < 5; i++) {
        const read = await limited.inject({ method: 'GET', url: '/api/auth/session' });
        expect(read.statusCode).toBe(401);
      }
      // Other IPs are not affected.
      const other = await limited.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'x@example.com', password: 'whatever pass' },
        remoteAddress: '10.9.8.7',
      });
      expect(other.statusCode).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('counts a client that reaches the API directly by its own address, whatever X-Forwarded-For it sends', async () => {
    const proxy = '10.213.57.10';
    const limited = await buildTestApp(ctx.db, {
      env: { RATE_LIMIT_AUTH_MAX: '20', TRUST_PROXY: proxy },
    });
    try {
      const login = (remoteAddress: string, forwardedFor: string) =>
        limited.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: 'x@example.com', password: 'whatever pass' },
          headers: { 'x-forwarded-for': forwardedFor },
          remoteAddress,
        });
      const direct = [];
      for (let i = 0; i < 25; i++) direct.push(await login('203.0.113.9', `198.51.100.${i}`));
      const statuses = direct.map((answer) => answer.statusCode);
      expect(statuses.slice(0, 20)).not.toContain(429);
      expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
      // Through the proxy, the address it forwards is the client's: 25 browsers, 25 budgets.
      const proxied = [];
      for (let i = 0; i < 25; i++) proxied.push(await login(proxy, `198.51.100.${i}`));
      expect(proxied.map((answer) => answer.statusCode)).not.toContain(429);
    } finally {
      await limited.close();
    }
  });

  it('limits every POST route under /api/auth/, and the account routes, per IP', async () => {
    const max = 3;
    const limited = await buildTestApp(ctx.db, { env: { RATE_LIMIT_AUTH_MAX: String(max) } });
    try {
      const expectLimited = async (
        label: string,
        send: (remoteAddress: string) => Promise<LightMyRequestResponse>,
      ) => {
        const earlier: string[] = [];
        for (let i = 0; i < max; i++) {
          const response = await send('10.20.30.40');
          earlier.push(`${response.statusCode} ${response.json().code ?? ''}`);
        }
        expect(earlier, label).not.toContainEqual(expect.stringMatching(/^429/));
        const last = await send('10.20.30.40');
        expect(last.statusCode, label).toBe(429);
        expect(last.json().code, label).toBe('RATE_LIMITED');
        expect(last.json().retryAfter, label).toBeGreaterThan(0);
        expect(Number(last.headers['retry-after']), label).toBeGreaterThan(0);
        // Another IP still gets through.
        const other = await send('10.20.30.41');
        expect(other.statusCode, label).not.toBe(429);
      };

      const authPosts = (await allRoutes(limited))
        .filter((route) => route.method === 'POST' && route.path.startsWith('/api/auth/'))
        .map((route) => route.path);
      // Not vacuous: the walk reaches the second step and the step-up re-authentication.
      expect(authPosts).toEqual(
        expect.arrayContaining([
          '/api/auth/login',
          '/api/auth/mfa/verify',
          '/api/auth/mfa/email',
          '/api/auth/reauthenticate',
          '/api/auth/reauthenticate/email',
          '/api/auth/password/reset',
        ]),
      );
      for (const path of authPosts) {
        const url = fillParams(path);
        await expectLimited(`POST ${path}`, (remoteAddress) =>
          limited.inject({ method: 'POST', url, payload: {}, remoteAddress }),
        );
      }

      // The account routes that check a password or mail a code carry the same limit. The
      // limiter runs on request, before the session's step-up check refuses the change.
      const { client } = await signUp(limited, ctx.db);
      const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      for (const [url, payload, refusal] of [
        [
          '/api/account/password',
          { currentPassword: GOOD_PASSWORD, newPassword: 'a different good passphrase' },
          'STEP_UP_REQUIRED',
        ],
        ['/api/account/email', { email: uniqueEmail('limited') }, 'STEP_UP_REQUIRED'],
        ['/api/account/email/verify', { code: '000000' }, 'CODE_EXPIRED'],
      ] as const) {
        await expectLimited(`POST ${url}`, async (remoteAddress) => {
          const response = await limited.inject({
            method: 'POST',
            url,
            payload,
            headers: { cookie },
            remoteAddress,
          });
          // Signed in: the request reached the route's own checks (or the limit).
          if (response.statusCode !== 429) expect(response.json().code, url).toBe(refusal);
          return response;
        });
      }
    } finally {
      await limited.close();
    }
  });
});

describe('ops and docs', () => {
  it('answers health and readiness', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({
      status: 'ok',
    });
    const ready = await ctx.app.inject({ method: 'GET', url: '/api/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('is not ready when the database does not answer', async () => {
    const broken = await buildTestApp(ctx.db);
    contextOf(broken).dbClient.ping = () => Promise.reject(new Error('connection refused'));
    try {
      const ready = await broken.inject({ method: 'GET', url: '/api/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().status).toBe('not_ready');
    } finally {
      await broken.close();
    }
  });

  it('publishes OpenAPI generated from the route schemas at /api/docs', async () => {
    const spec = (await ctx.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/auth/register',
      '/api/auth/register/verify',
      '/api/auth/register/resend',
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/session',
      '/api/auth/password/forgot',
      '/api/auth/password/reset',
      '/api/health',
      '/api/ready',
    ]) {
      expect(spec.paths[path], path).toBeDefined();
    }
    const register = spec.paths['/api/auth/register'].post;
    expect(register.requestBody.content['application/json'].schema.properties.email.format).toBe(
      'email',
    );
    expect(register.responses['201']).toBeDefined();
    const ui = await ctx.app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('documents which cookie each operation needs, as the auth hook enforces it', async () => {
    const spec = (await ctx.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as {
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    };
    const documented: string[] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        const anonymous = await ctx.app.inject({ method: method.toUpperCase() as 'GET', url });
        const closed =
          [401, 403].includes(anonymous.statusCode) &&
          ['UNAUTHENTICATED', 'CHALLENGE_REQUIRED'].includes(anonymous.json().code);
        const scheme = operation.security?.[0] ? Object.keys(operation.security[0])[0] : 'none';
        documented.push(`${method} ${path}: ${closed ? 'closed' : 'open'} ${scheme}`);
        expect(scheme === 'none', `${method} ${path} (answered ${anonymous.statusCode})`).toBe(
          !closed,
        );
      }
    }
    expect(documented).toContain('post /api/auth/mfa/verify: closed challenge');
    expect(documented).toContain('post /api/mfa/totp: closed session');
    expect(documented).toContain('post /api/auth/login: open none');
  });

  it('answers unknown routes with a NOT_FOUND code', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/nope?token=secret' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
    expect(response.body).not.toContain('secret');
  });

  it('lists the dev outbox newest first', async () => {
    const email = uniqueEmail('mailbox');
    await new Client(ctx.app).post('/api/auth/register', { email, password: GOOD_PASSWORD });
    await signUp(ctx.app, ctx.db);
    const { messages } = (await ctx.app.inject({ method: 'GET', url: '/api/dev/mailbox' })).json();
    expect(messages.length).toBeGreaterThanOrEqual(2);
    const times = messages.map((m: { createdAt: string }) => Date.parse(m.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(messages.some((m: { to: string }) => m.to === email)).toBe(true);
    expect(Object.keys(messages[0]).sort()).toEqual([
      'createdAt',
      'html',
      'id',
      'subject',
      'text',
      'to',
    ]);
  });
});
