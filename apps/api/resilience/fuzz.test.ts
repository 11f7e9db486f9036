import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { isErrorCode } from '@twofold/mfa-core';
import { sharedSecrets, spawnApi, type ApiProcess } from './harness/api-process.js';
import {
  PASSWORD,
  enrollTotp,
  openSql,
  passwordStep,
  signUp,
  totpCode,
  type Sql,
} from './harness/flows.js';
import type { HttpClient } from './harness/http-client.js';
import { headerValue, hostileString, jsonBody, type JsonSchema } from './harness/hostile.js';
import { decodeJwt, signJwt, tamperJwt, unsignedJwt } from './harness/jwt.js';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';

/**
 * Property-based fuzzing of every operation in the OpenAPI document the running API serves:
 * random and schema-aware bodies, path params, query strings, headers and cookies (forged,
 * expired, tampered, wrongly signed, another user's). Every request must answer below 500 with
 * a stable error code within REQUEST_TIMEOUT_MS, and a victim account nobody signs in to must
 * end exactly as it started. FUZZ_RUNS and FUZZ_SEED reproduce a run.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const REQUEST_TIMEOUT_MS = 10_000;
const SESSION = 'twofold_session';

interface Operation {
  method: string;
  path: string;
  body?: JsonSchema;
  query: string[];
  /** Refuses a request without a session (probed): must refuse forged cookies just the same. */
  signedIn: boolean;
}
interface Actor {
  email: string;
  client: HttpClient;
  userId: string;
}

let pg: PostgresServer;
let api: ApiProcess;
let sql: Sql;
let operations: Operation[];
const secrets = sharedSecrets();
const signingKey = secrets.SESSION_SECRETS!.split(',')[0]!;
/** Signed in, fuzzes with its own cookie (so signed-in routes are reached), may be signed out. */
let attacker: Actor;
/** Signed in; its valid cookie is "another user's cookie". */
let neighbour: Actor;
/** TOTP, backup codes, a trusted device, an aal2 session: never sends a request during the run. */
let victim: Actor & { ids: string[]; tok: string; device: string };

async function keepSignedIn(actor: Actor) {
  if ((await actor.client.get('/api/auth/session')).status === 200) return;
  const login = await actor.client.post('/api/auth/login', {
    email: actor.email,
    password: PASSWORD,
  });
  expect(login.json?.status, login.text).toBe('authenticated');
}

/**
 * The victim's rows an outsider must never change. Security events and mailed codes may grow,
 * and so may registration decoys (a sign-up for a taken address answers like any other).
 */
async function victimRows() {
  const id = victim.userId;
  const tables = ['sessions', 'mfa_factors', 'backup_codes', 'trusted_devices'];
  const rows = await Promise.all([
    sql`select * from members where id = ${id}`,
    ...tables.map((table) => sql`select * from ${sql(table)} where user_id = ${id} order by id`),
    sql`select * from login_challenges where user_id = ${id} and purpose = 'mfa' order by id`,
  ]);
  return JSON.parse(JSON.stringify(rows)) as unknown;
}

beforeAll(async () => {
  pg = await startPostgres();
  api = await spawnApi({ databaseUrl: pg.url, secrets, env: { LOG_LEVEL: 'error' } });
  sql = openSql(pg.url);
  type Parameter = { in: string; name: string };
  type Op = {
    requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
    parameters?: Parameter[];
  };
  type Doc = { paths: Record<string, Record<string, Op>> };
  const doc = (await (await fetch(`${api.url}/api/docs/json`)).json()) as Doc;
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      body: op.requestBody?.content?.['application/json']?.schema,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      signedIn: false,
    })),
  );

  for (const op of operations) {
    const url = api.url + op.path.replace(/\{[^}]+\}/g, randomUUID());
    const body = op.method === 'GET' ? undefined : '{}';
    const headers = { 'content-type': 'application/json' };
    const answer = await fetch(url, { method: op.method, headers, body });
    op.signedIn = ((await answer.json()) as { code?: string }).code === 'UNAUTHENTICATED';
  }
  expect(operations.filter((op) => op.signedIn).length).toBeGreaterThanOrEqual(20);

  const v = await signUp(api.url, sql);
  const { secret, factorId } = await enrollTotp(v.client);
  const { client } = await passwordStep(api.url, v.email);
  const verify = { method: 'totp', code: totpCode(secret, 1), trustDevice: true };
  expect((await client.post('/api/auth/mfa/verify', verify)).status).toBe(200);
  const sessions = (await client.get('/api/sessions')).json.sessions as { id: string }[];
  const devices = (await client.get('/api/mfa/trusted-devices')).json.devices as { id: string }[];
  expect(devices).toHaveLength(1);
  victim = {
    ...v,
    client,
    ids: [v.userId, factorId, devices[0]!.id, ...sessions.map((s) => s.id)],
    tok: decodeJwt(client.cookies.get(SESSION)!).tok as string,
    device: client.cookies.get('twofold_device')!,
  };
  attacker = await signUp(api.url, sql);
  neighbour = await signUp(api.url, sql);

  // Cookies minted here are accepted when right, so the forged ones fail for their own reason.
  const tok = decodeJwt(attacker.client.cookies.get(SESSION)!).tok;
  const minted = signJwt(
    { typ: 'session', tok, exp: Math.floor(Date.now() / 1000) + 600 },
    signingKey,
  );
  const check = await fetch(`${api.url}/api/auth/session`, {
    headers: { cookie: `${SESSION}=${minted}` },
  });
  expect(check.status).toBe(200);
});
afterAll(async () => {
  await sql?.end();
  await api?.stop();
  await pg?.destroy();
});

// ---------------------------------------------------------------------------------------------
// Arbitraries. Those built from the accounts are drawn lazily (after set-up), from the seed.

const victimId = fc.constant(null).chain(() => fc.constantFrom(...victim.ids));
const knownEmail = fc
  .constant(null)
  .chain(() => fc.constantFrom(attacker.email, neighbour.email, victim.email));
const anyString = hostileString(knownEmail, victimId);
const bodyOf = (op: Operation) =>
  jsonBody(op.body, anyString, fc.oneof(fc.emailAddress(), knownEmail));

const param = fc.oneof(
  fc.uuid(),
  victimId,
  anyString.map((s) => encodeURIComponent(s.slice(0, 300))),
  fc.constantFrom('%E0%A4%A', '%', '..', '%2e%2e%2f', '-1', 'null', '0'),
);

// Values kept short enough for the whole URL to stay under LIMITS.maxHeaderSize.
const query = (op: Operation) =>
  fc.oneof(
    fc.constant(''),
    fc
      .dictionary(
        fc.oneof(
          fc.constantFrom(...op.query, 'limit', 'cursor', '__proto__[x]', 'a[]'),
          fc.string(),
        ),
        fc.oneof(anyString, fc.integer().map(String), fc.constantFrom('1e309', '-1', 'NaN')),
        { maxKeys: 4 },
      )
      .map(
        (q) =>
          '?' +
          new URLSearchParams(
            Object.entries(q).map(([k, v]): [string, string] => [k, v.slice(0, 300)]),
          ),
      ),
    fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => '?' + s.replace(/[#\s]/g, '')),
  );

const headers = fc.record(
  {
    'x-totp-code': fc.oneof(fc.stringMatching(/^\d{6}$/), headerValue),
    'user-agent': fc.oneof(headerValue, fc.constant('x'.repeat(4_000))),
    'x-forwarded-for': headerValue,
    accept: headerValue,
    origin: fc.constant('http://localhost:5173'),
    'sec-fetch-site': fc.constantFrom('same-origin', 'none'),
  },
  { requiredKeys: [] },
);
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  fc.constantFrom(
    'application/json; charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
  ),
  fc.constantFrom('multipart/form-data; boundary=x', 'application/vnd.api+json', ''),
);

/** The Cookie header of each kind; all but 'attacker' and 'neighbour' must open nothing. */
const COOKIES: Record<string, (garbage: string) => string | undefined> = {
  none: () => undefined,
  attacker: () => `${SESSION}=${attacker.client.cookies.get(SESSION)}`,
  neighbour: () => `${SESSION}=${neighbour.client.cookies.get(SESSION)}`,
  expired: () => {
    const { tok } = decodeJwt(attacker.client.cookies.get(SESSION)!);
    const now = Math.floor(Date.now() / 1000);
    return `${SESSION}=${signJwt({ typ: 'session', tok, iat: now - 7200, exp: now - 3600 }, signingKey)}`;
  },
  tampered: () =>
    `${SESSION}=${tamperJwt(attacker.client.cookies.get(SESSION)!, { tok: victim.tok })}`,
  'wrong-key': () =>
    `${SESSION}=${signJwt({ typ: 'session', tok: victim.tok }, randomBytes(32).toString('base64url'))}`,
  unsigned: () => `${SESSION}=${unsignedJwt({ typ: 'session', tok: victim.tok })}`,
  'wrong-kind': () => {
    const own = attacker.client.cookies.get(SESSION)!;
    return ['challenge', 'pending', 'device'].map((kind) => `twofold_${kind}=${own}`).join('; ');
  },
  'victim-device': () => `${COOKIES.attacker!('')}; twofold_device=${victim.device}`,
  garbage: (garbage) => garbage,
};
const VALID_COOKIES = ['attacker', 'neighbour', 'victim-device'];
const cookieKind = fc.oneof(
  { weight: 10, arbitrary: fc.constant('attacker') },
  {
    weight: 10,
    arbitrary: fc.constantFrom(...Object.keys(COOKIES).filter((k) => k !== 'attacker')),
  },
);

// ---------------------------------------------------------------------------------------------

it(`answers ${RUNS} hostile requests below 500, in time, without touching another account`, async () => {
  const before = await victimRows();
  const statuses: Record<number, number> = {};
  let slowest = { ms: 0, what: '' };
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const methods = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
  const cases = fc.constantFrom(...operations).chain((op) =>
    fc.record({
      op: fc.constant(op),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(op.method) }, methods),
      params: fc.array(param, { minLength: 3, maxLength: 3 }),
      query: query(op),
      body: bodyOf(op),
      headers,
      random: fc.option(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), headerValue)),
      contentType,
      cookie: cookieKind,
      garbage: headerValue,
    }),
  );

  const property = fc.asyncProperty(cases, async (c) => {
    let index = 0;
    const path = c.op.path.replace(/\{[^}]+\}/g, () => c.params[index++]!) + c.query;
    const cookie = COOKIES[c.cookie]!(c.garbage);
    const what = `${c.method} ${path.slice(0, 120)} [${c.cookie}]`;
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(api.url + path, {
        method: c.method,
        headers: {
          ...c.headers,
          ...(c.random ? { [c.random[0]]: c.random[1] } : {}),
          ...(cookie ? { cookie } : {}),
          'content-type': c.contentType,
        },
        body: ['GET', 'HEAD'].includes(c.method) ? undefined : c.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(`${what}: no answer (${String(error)})`, { cause: error });
    }
    const text = await response.text();
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = { ms, what };
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;

    expect(response.status, `${what}\n${text}`).toBeLessThan(500);
    expect(ms, what).toBeLessThan(REQUEST_TIMEOUT_MS);
    if (c.op.signedIn && c.method === c.op.method && !VALID_COOKIES.includes(c.cookie)) {
      expect(response.ok, `${what}: a forged or missing cookie was let in\n${text}`).toBe(false);
    }
    if (response.status >= 400 && c.method !== 'HEAD') {
      const code = (() => {
        try {
          return (JSON.parse(text) as { code?: unknown }).code;
        } catch {
          return undefined;
        }
      })();
      expect(isErrorCode(code), `${what}: ${response.status} without a stable code\n${text}`).toBe(
        true,
      );
    }
    // Only a request carrying an actor's cookie can end its session (logout, revocation):
    // then it signs in again, so the next cases still reach the signed-in routes.
    const actor = { attacker, 'victim-device': attacker, neighbour }[c.cookie];
    if (actor && (response.status === 401 || response.headers.getSetCookie().length > 0)) {
      await keepSignedIn(actor);
    }
  });
  await fc.assert(property, { numRuns: RUNS, seed, endOnFailure: true });

  expect(await victimRows(), `victim rows changed (seed ${seed})`).toEqual(before);
  expect(api.child.exitCode).toBeNull();
  expect(api.output()).not.toMatch(/"level":(50|60)/);
  const histogram = Object.entries(statuses).map(([status, n]) => `${status}:${n}`);
  // eslint-disable-next-line no-console -- the suite's summary line
  console.log(
    `[resilience] fuzz: ${RUNS} cases (seed ${seed}) over ${operations.length} operations ` +
      `(${operations.filter((op) => op.signedIn).length} signed-in); ` +
      `statuses ${histogram.join(' ')}; max latency ${Math.round(slowest.ms)} ms ` +
      `(${slowest.what}); victim rows unchanged`,
  );
});
