import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnApi, type ApiProcess } from './harness/api-process.js';
import {
  PASSWORD,
  enrollTotp,
  openSql,
  passwordStep,
  signUp,
  totpCode,
  uniqueEmail,
  type Sql,
} from './harness/flows.js';
import type { HttpClient } from './harness/http-client.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';

/**
 * Cross-site request forgery against every state-changing route the OpenAPI document lists,
 * with a live session whose step-up window is open: the only thing between these requests and
 * a changed account is the Origin / Sec-Fetch-Site check. Each is refused with 403
 * CSRF_REJECTED and the database is exactly as before; the same requests from the app's own
 * origin are not refused, so the refusals are about the site, not the request.
 */

const APP_ORIGIN = 'http://localhost:5173'; // APP_URL's default, which the spawned API keeps
const EVIL = 'https://evil.example';
const STATE_CHANGING = ['post', 'put', 'patch', 'delete'];

let pg: PostgresServer;
let api: ApiProcess;
let sql: Sql;
let routes: { method: string; path: string }[];
let victim: {
  client: HttpClient;
  email: string;
  userId: string;
  backupCodes: string[];
  ids: Record<string, string>;
};

beforeAll(async () => {
  pg = await startPostgres();
  api = await spawnApi({ databaseUrl: pg.url });
  sql = openSql(pg.url);

  const doc = (await (await fetch(`${api.url}/api/docs/json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => STATE_CHANGING.includes(method))
      .map((method) => ({ method: method.toUpperCase(), path })),
  );

  // A victim with TOTP, backup codes, a trusted device and an aal2 session with fresh step-up.
  const account = await signUp(api.url, sql);
  const { secret, factorId, backupCodes } = await enrollTotp(account.client);
  const { client } = await passwordStep(api.url, account.email);
  const verified = await client.post('/api/auth/mfa/verify', {
    method: 'totp',
    code: totpCode(secret, 1),
    trustDevice: true,
  });
  expect(verified.status, verified.text).toBe(200);
  const stepUp = await client.post('/api/auth/reauthenticate', {
    password: PASSWORD,
    method: 'backup_code',
    code: backupCodes[0],
  });
  expect(stepUp.status, stepUp.text).toBe(200);
  const session = await client.get('/api/auth/session');
  const devices = await client.get('/api/mfa/trusted-devices');
  expect(devices.json.devices).toHaveLength(1);
  victim = {
    client,
    email: account.email,
    userId: account.userId,
    backupCodes,
    ids: {
      sessions: session.json.session.id,
      factors: factorId,
      'trusted-devices': devices.json.devices[0].id,
      users: account.userId,
    },
  };
});
afterAll(async () => {
  await sql?.end();
  await api?.stop();
  await pg?.destroy();
});

/** The path with real ids of the victim's own things, so a missing check would do damage. */
function fill(path: string) {
  return path.replace(/\/([a-z-]+)\/\{id\}/g, (_match, parent: string) => {
    const id = victim.ids[parent];
    if (!id) throw new Error(`no id for ${path}`);
    return `/${parent}/${id}`;
  });
}

/** A body the route would accept if it were not forged. */
function bodyFor(path: string): Record<string, unknown> {
  const bodies: Record<string, Record<string, unknown>> = {
    '/api/auth/login': { email: victim.email, password: PASSWORD },
    '/api/auth/register': { email: uniqueEmail('forged'), password: PASSWORD },
    '/api/auth/password/forgot': { email: victim.email },
    '/api/auth/reauthenticate': {
      password: PASSWORD,
      method: 'backup_code',
      code: victim.backupCodes[1],
    },
    '/api/account/password': {
      currentPassword: PASSWORD,
      newPassword: 'a completely different passphrase 42',
    },
    '/api/account/email': { email: uniqueEmail('forged-change') },
    '/api/account/email/verify': { code: '000000' },
    '/api/mfa/disable': { method: 'backup_code', code: victim.backupCodes[2] },
    '/api/admin/policy': { roles: [{ role: 'user', required: true, graceDays: 0 }] },
  };
  return bodies[path] ?? {};
}

interface Attempt {
  name: string;
  headers: Record<string, string>;
  form?: boolean;
}

const FORGERIES: Attempt[] = [
  {
    name: 'a cross-site HTML form post',
    form: true,
    headers: { origin: EVIL, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
  },
  {
    name: 'a cross-origin fetch with a JSON body',
    headers: { origin: EVIL, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' },
  },
  { name: 'Origin: null (sandboxed frame, data: URL)', headers: { origin: 'null' } },
  { name: 'Sec-Fetch-Site: cross-site alone', headers: { 'sec-fetch-site': 'cross-site' } },
  {
    name: 'Sec-Fetch-Site: same-site alone (a sibling subdomain)',
    headers: { 'sec-fetch-site': 'same-site' },
  },
  {
    name: 'an Origin that only starts like the app',
    headers: { origin: `${APP_ORIGIN}.evil.example` },
  },
];

async function send(route: { method: string; path: string }, attempt: Attempt) {
  const body = bodyFor(route.path);
  const cookie = [...victim.client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const response = await fetch(api.url + fill(route.path), {
    method: route.method,
    headers: {
      cookie,
      'content-type': attempt.form ? 'application/x-www-form-urlencoded' : 'application/json',
      ...attempt.headers,
    },
    body: attempt.form
      ? new URLSearchParams(
          Object.entries(body).map(([k, v]): [string, string] => [
            k,
            typeof v === 'string' ? v : JSON.stringify(v),
          ]),
        ).toString()
      : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    code: (JSON.parse(text || '{}') as { code?: string }).code,
  };
}

/** Every row of every table the API writes, to prove a refusal wrote nothing anywhere. */
async function snapshot() {
  const tables = await sql<{ tablename: string }[]>`
    select tablename from pg_tables where schemaname = 'public' and tablename not like '%drizzle%'
    order by tablename`;
  const rows: Record<string, unknown[]> = {};
  for (const { tablename } of tables) {
    rows[tablename] = await sql.unsafe(`select * from "${tablename}" order by 1`);
  }
  return JSON.parse(JSON.stringify(rows)) as Record<string, unknown[]>;
}

describe('cross-site requests with a valid session cookie', () => {
  it('covers every state-changing route of the OpenAPI document', () => {
    const listed = routes.map((route) => `${route.method} ${route.path}`);
    expect(listed.length).toBeGreaterThanOrEqual(20);
    for (const expected of [
      'POST /api/auth/logout',
      'POST /api/account/password',
      'POST /api/account/email',
      'POST /api/account/email/verify',
      'POST /api/mfa/disable',
      'DELETE /api/sessions/{id}',
      'DELETE /api/mfa/trusted-devices/{id}',
      'PUT /api/admin/policy',
    ]) {
      expect(listed).toContain(expected);
    }
  });

  it('refuses every forgery on every route with 403 CSRF_REJECTED, and changes nothing', async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    for (const route of routes) {
      for (const attempt of FORGERIES) {
        const answer = await send(route, attempt);
        if (answer.status !== 403 || answer.code !== 'CSRF_REJECTED') {
          wrong.push(
            `${route.method} ${route.path}, ${attempt.name}: ${answer.status} ${answer.text}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await snapshot()).toEqual(before);
    // eslint-disable-next-line no-console -- the suite's summary line
    console.log(
      `[resilience] csrf: ${routes.length} state-changing routes x ${FORGERIES.length} forgeries = ` +
        `${routes.length * FORGERIES.length} requests, all 403 CSRF_REJECTED, database unchanged`,
    );

    // The session, the step-up window and the password all survived.
    const session = await victim.client.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.json.session.id).toBe(victim.ids.sessions);
    expect(session.json.session.reauthenticatedAt).not.toBeNull();
    const { status } = await passwordStep(api.url, victim.email);
    expect(status).toBe('mfa_required');
  });

  it('does not refuse the same requests from the app itself (positive control)', async () => {
    // Last, because from the right origin these requests do change the account.
    const own: Attempt[] = [
      { name: 'own origin', headers: { origin: APP_ORIGIN, 'sec-fetch-site': 'same-origin' } },
      { name: 'a client without browser headers', headers: {} },
    ];
    // The password change first (checked below); routes that may end the session last.
    const rank = (path: string) =>
      path === '/api/account/password' ? 0 : /login|logout|sessions|disable/.test(path) ? 2 : 1;
    const ordered = [...routes].sort((a, b) => rank(a.path) - rank(b.path));
    const refused: string[] = [];
    const statuses = new Map<string, number>();
    for (const attempt of own) {
      for (const route of ordered) {
        const answer = await send(route, attempt);
        if (answer.code === 'CSRF_REJECTED') refused.push(`${route.method} ${route.path}`);
        expect(answer.status, answer.text).toBeLessThan(500);
        statuses.set(`${attempt.name}: ${route.method} ${route.path}`, answer.status);
      }
    }
    expect(refused).toEqual([]);
    // They were effective: the same password change the forgery attempted went through.
    expect(statuses.get('own origin: POST /api/account/password')).toBe(200);
  });
});
