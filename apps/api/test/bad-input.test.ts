import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { createTestDbClient } from '@twofold/db/testing';
import {
  devOutbox,
  emailCodes,
  loginChallenges,
  sessions,
  members,
  type DbClient,
} from '@twofold/db';
import { ErrorCodes, isErrorCode, type ErrorCode } from '@twofold/mfa-core';
import { LIMITS, type App } from '../src/app.js';
import { buildTestApp, Client, GOOD_PASSWORD, signUp, uniqueEmail } from './helpers/app.js';
import { contextOf } from '@twofold/fastify/internal';

/**
 * Hostile and malformed input, thrown at every route the OpenAPI document lists (so a new route
 * is covered the day it is added). Every answer is a 4xx with a stable `{ code, message }`, or a
 * 2xx where the route legitimately ignores its body; never a 5xx, and nothing is written.
 */

// ---------------------------------------------------------------------------------------------
// Routes, read from the OpenAPI document

interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Route {
  method: Method;
  path: string;
  /** `path` with every `{param}` filled in. */
  url: string;
  /** The declared JSON body, when the route has one. */
  body: JsonSchema | undefined;
  /** Refuses anonymous callers before it reads the body. */
  gated: boolean;
  /** The code it refuses them with. */
  gatedCode: string;
}

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];
const SOME_UUID = '5f0c2a8e-2b1d-4c5e-9a7f-3d2e1c0b9a8f';
const fillParams = (path: string) => path.replace(/\{[^}]+\}/g, SOME_UUID);

async function readRoutes(app: App): Promise<Route[]> {
  const response = await app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(response.statusCode).toBe(200);
  const doc = response.json<OpenApiDocument>();
  const resolve = (schema: JsonSchema | undefined): JsonSchema | undefined => {
    const name = schema?.$ref?.replace('#/components/schemas/', '');
    return name ? resolve(doc.components?.schemas?.[name]) : schema;
  };
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (method !== 'get' && !WRITE_METHODS.includes(method)) continue;
      const body = resolve(operation.requestBody?.content?.['application/json']?.schema);
      const url = fillParams(path);
      // Probed with no body and no cookies: UNAUTHENTICATED means the auth check stops
      // anonymous callers before the body is even read.
      const probe = await app.inject({ method: method.toUpperCase() as Method, url });
      // (CHALLENGE_REQUIRED for the second-step routes, which only a challenge cookie opens.)
      const probeCode = probe.statusCode === 401 ? probe.json<{ code: string }>().code : undefined;
      const gated = probeCode === 'UNAUTHENTICATED' || probeCode === 'CHALLENGE_REQUIRED';
      routes.push({
        method: method.toUpperCase() as Method,
        path,
        url,
        body,
        gated,
        gatedCode: probeCode ?? 'UNAUTHENTICATED',
      });
    }
  }
  return routes;
}

const typesOf = (schema: JsonSchema): string[] => {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return [...new Set(branches.flatMap(typesOf))];
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
};

// ---------------------------------------------------------------------------------------------
// Cases

/** What an answer must be. */
type Outcome =
  | { status: number; codes: ErrorCode[]; field?: string }
  /** Any 4xx with a stable error body. */
  | 'refused'
  /** A 2xx (the route ignores what it was sent) or a 4xx with a stable error body. */
  | 'tolerated';

interface Case {
  name: string;
  payload?: string;
  contentType?: string;
  outcome: Outcome;
}

const JSON_TYPE = 'application/json';
const invalid = (field?: string): Outcome => ({ status: 400, codes: ['VALIDATION_ERROR'], field });

const BAD_EMAILS = [
  'a',
  'a@',
  '@b.c',
  'a b@c.d',
  'ü@例え.jp',
  'a@b@c.de',
  'a@b..de',
  '<a@b.de>',
  'a@b.de\n',
  'a\u0000@b.de',
];

/**
 * Control, direction and surrogate characters, injection snippets. All are shorter than the
 * 8-character minimum of a new password, so none of them can ever create an account.
 */
const HOSTILE_TEXT = [
  '\u0000',
  'a\u0000b',
  '\u202e',
  '\u200b\u200d',
  '😀',
  '\ud800',
  '\udfff\ud800',
  "'--",
  "' OR 1#",
  '{{7*7}}',
  '<svg/>',
  '%00',
  ' ',
  '\r\n\t',
];

const WRONG_TYPED: unknown[] = [
  0,
  123456,
  -1.5,
  true,
  false,
  null,
  [],
  ['x'],
  {},
  { $ne: null },
  'text',
];

const jsonType = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'integer'
          : 'number'
        : typeof value;

function wrongValuesFor(schema: JsonSchema): unknown[] {
  const types = typesOf(schema);
  if (types.length === 0) return [];
  return WRONG_TYPED.filter((value) => {
    const type = jsonType(value);
    if (types.includes(type)) return false;
    if (type === 'integer' && types.includes('number')) return false;
    return true;
  });
}

/** A value the field would accept on its own, so a case can spoil exactly one field. */
function plausibleValue(name: string, schema: JsonSchema, knownEmail: string): unknown {
  const branch = (schema.anyOf ?? schema.oneOf)?.[0];
  if (branch) return plausibleValue(name, branch, knownEmail);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const choice = schema.anyOf?.find((member) => member.const !== undefined || member.enum?.length);
  if (choice) return choice.const ?? choice.enum?.[0];
  const [type] = typesOf(schema);
  if (type === 'boolean') return false;
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'array') return [];
  if (type === 'object') return {};
  if (schema.format === 'email') return knownEmail;
  if (schema.format === 'uuid') return SOME_UUID;
  if (/password/i.test(name)) return GOOD_PASSWORD;
  if (/code/i.test(name)) return '000000';
  return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
}

function bodyCases(route: Route, knownEmail: string): Case[] {
  const json = (payload: unknown, name: string, outcome: Outcome): Case => ({
    name,
    payload: JSON.stringify(payload),
    contentType: JSON_TYPE,
    outcome,
  });
  const raw = (payload: string, name: string, outcome: Outcome, contentType = JSON_TYPE): Case => ({
    name,
    payload,
    contentType,
    outcome,
  });
  const schema = route.body;
  const badJson: Outcome = { status: 400, codes: ['INVALID_JSON'] };
  const poisoned: Outcome = { status: 400, codes: ['INVALID_JSON', 'VALIDATION_ERROR'] };
  const wrongType: Outcome = { status: 415, codes: ['UNSUPPORTED_MEDIA_TYPE'] };

  const properties = schema?.properties ?? {};
  const baseline = Object.fromEntries(
    Object.entries(properties).map(([name, field]) => [
      name,
      plausibleValue(name, field, knownEmail),
    ]),
  );
  const baselineText = JSON.stringify(baseline).slice(1, -1);
  const withBaseline = (extra: string) => `{${baselineText}${baselineText ? ',' : ''}${extra}}`;

  const cases: Case[] = [
    // Transport: the same for every route, body or not.
    raw('{"email":', 'invalid JSON', badJson),
    raw('{"email":"a@b.co"', 'truncated JSON', badJson),
    raw('{} trailing', 'trailing garbage after JSON', badJson),
    raw("{'email':'a@b.co'}", 'single-quoted pseudo-JSON', badJson),
    raw('email=a%40b.co', 'form data labelled as JSON', badJson),
    raw('', 'empty body labelled as JSON', badJson),
    raw('{"__proto__":{"admin":true}}', '__proto__ pollution', poisoned),
    raw(withBaseline('"__proto__":{"role":"admin"}'), '__proto__ beside real fields', poisoned),
    raw(
      '{"constructor":{"prototype":{"admin":true}}}',
      'constructor.prototype pollution',
      poisoned,
    ),
    raw('{"a":{"b":{"__proto__":{"admin":true}}}}', 'nested __proto__ pollution', poisoned),
    raw(`{"email":"${'a'.repeat(1024 * 1024)}"}`, '1 MB body', {
      status: 413,
      codes: ['PAYLOAD_TOO_LARGE'],
    }),
    raw(`"${'a'.repeat(LIMITS.bodyLimit - 1)}"`, 'one byte over the body limit', {
      status: 413,
      codes: ['PAYLOAD_TOO_LARGE'],
    }),
    raw(
      'email=a%40b.co',
      'application/x-www-form-urlencoded',
      wrongType,
      'application/x-www-form-urlencoded',
    ),
    raw(
      '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.co\r\n--x--',
      'multipart/form-data',
      wrongType,
      'multipart/form-data; boundary=x',
    ),
    raw('<email>a@b.co</email>', 'application/xml', wrongType, 'application/xml'),
    raw('\u0000\u0001', 'application/octet-stream', wrongType, 'application/octet-stream'),
    raw('{}', 'a look-alike JSON media type', wrongType, 'application/jsonp'),
    raw(JSON.stringify(baseline), 'JSON sent as text/plain', wrongType, 'text/plain'),
    { name: 'JSON without a content type', payload: '{}', outcome: wrongType },
  ];

  if (!schema) {
    // The route reads no body: whatever JSON it is sent, it may ignore.
    for (const payload of [
      '{}',
      '[]',
      'null',
      '"text"',
      '42',
      '{"isAdmin":true}',
      '{"constructor":"x"}',
    ]) {
      cases.push(raw(payload, `ignored body ${payload}`, 'tolerated'));
    }
    cases.push({ name: 'no body at all', outcome: 'tolerated' });
    return cases;
  }

  const required = schema.required ?? [];
  cases.push(
    { name: 'no body at all', outcome: required.length > 0 ? invalid() : 'tolerated' },
    json({}, '{}', required.length > 0 ? invalid() : 'tolerated'),
    raw('[]', 'an empty JSON array', invalid()),
    json([baseline], 'the fields wrapped in an array', invalid()),
    raw('null', 'JSON null', invalid()),
    raw('"text"', 'a JSON string', invalid()),
    raw('42', 'a JSON number', invalid()),
    raw('true', 'a JSON boolean', invalid()),
    json({ ...baseline, isAdmin: true }, 'an extra property', invalid()),
    json(
      { ...baseline, role: 'admin', emailVerified: true },
      'mass assignment of role and emailVerified',
      invalid(),
    ),
    raw(withBaseline('"constructor":"x"'), 'a plain "constructor" property', invalid()),
  );

  for (const [name, field] of Object.entries(properties)) {
    const { [name]: _dropped, ...without } = baseline;
    if (required.includes(name)) cases.push(json(without, `${name}: missing`, invalid(name)));
    for (const value of wrongValuesFor(field)) {
      cases.push(
        json({ ...baseline, [name]: value }, `${name}: ${JSON.stringify(value)}`, invalid(name)),
      );
    }
    if (!typesOf(field).includes('string')) continue;

    const bounded = field.minLength !== undefined && field.minLength > 0;
    cases.push(
      json(
        { ...baseline, [name]: '' },
        `${name}: empty string`,
        bounded || field.format ? invalid(name) : 'refused',
      ),
    );
    cases.push(
      json(
        { ...baseline, [name]: 'a'.repeat(10_000) },
        `${name}: 10,000 characters`,
        invalid(name),
      ),
    );
    cases.push(
      json({ ...baseline, [name]: '😀'.repeat(10_000) }, `${name}: 10,000 emoji`, invalid(name)),
    );
    if (field.format === 'email') {
      for (const email of BAD_EMAILS)
        cases.push(
          json({ ...baseline, [name]: email }, `${name}: ${JSON.stringify(email)}`, invalid(name)),
        );
    }
    for (const text of HOSTILE_TEXT) {
      // JSON.stringify writes a lone surrogate as the escape "\ud800": well-formed JSON text.
      cases.push(
        json(
          { ...baseline, [name]: text },
          `${name}: ${JSON.stringify(text)}`,
          field.format === 'email' ? invalid(name) : 'refused',
        ),
      );
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Checking answers

interface ErrorBody {
  code?: unknown;
  message?: unknown;
  details?: unknown;
  stack?: unknown;
}

/** Why an answer is wrong, or null when it is right. */
function problemWith(response: LightMyRequestResponse, outcome: Outcome): string | null {
  const { statusCode: status } = response;
  if (status >= 500) return `${status} ${response.body.slice(0, 300)}`;
  if (status >= 200 && status < 300)
    return outcome === 'tolerated' ? null : `unexpected ${status} ${response.body.slice(0, 200)}`;
  if (status < 400) return `unexpected ${status}`;

  if (!String(response.headers['content-type']).startsWith('application/json'))
    return `${status} is not JSON`;
  let body: ErrorBody;
  try {
    body = JSON.parse(response.body) as ErrorBody;
  } catch {
    return `${status} body is not JSON: ${response.body.slice(0, 100)}`;
  }
  if (!isErrorCode(body.code)) return `${status} with unknown code ${JSON.stringify(body.code)}`;
  if (ErrorCodes[body.code].status !== status)
    return `${body.code} answered with ${status}, not ${ErrorCodes[body.code].status}`;
  if (typeof body.message !== 'string' || body.message === '')
    return `${body.code} without a message`;
  if (body.stack !== undefined) return `${body.code} leaks a stack`;
  // The answer describes the problem; it never echoes the (possibly huge) input back.
  if (response.body.length > 2_000) return `${body.code} answer is ${response.body.length} bytes`;
  if (body.code === 'VALIDATION_ERROR') {
    const details = body.details as { path?: unknown; message?: unknown }[] | undefined;
    if (!Array.isArray(details) || details.length === 0) return 'VALIDATION_ERROR without details';
    if (details.some((d) => typeof d.path !== 'string' || typeof d.message !== 'string'))
      return 'malformed details';
  }
  if (typeof outcome === 'string') return null;

  if (status !== outcome.status || !outcome.codes.includes(body.code)) {
    return `expected ${outcome.status} ${outcome.codes.join('|')}, got ${status} ${body.code}: ${body.message}`;
  }
  if (outcome.field) {
    const paths = (body.details as { path: string }[]).map((d) => d.path);
    if (!paths.includes(`/${outcome.field}`))
      return `details ${JSON.stringify(paths)} do not point at /${outcome.field}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Nothing written

const COUNTED = {
  members,
  sessions,
  email_codes: emailCodes,
  login_challenges: loginChallenges,
  dev_outbox: devOutbox,
};

async function rowCounts(db: DbClient) {
  const entries = await Promise.all(
    Object.entries(COUNTED).map(async ([name, table]) => {
      const [row] = await db.db.select({ n: count() }).from(table);
      return [name, row?.n ?? -1] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * The account as it must stay. A refused registration or email-change code still counts toward
 * the account's mailbox-code throttle (every attempt is counted before it is checked): that
 * count, and the updatedAt it bumps, are not a half-written change.
 */
const userRow = async (db: DbClient, email: string) => {
  const [row] = await db.db.select().from(members).where(eq(members.email, email));
  if (!row) return row;
  const { codeFailedAttempts, codeLockedUntil, updatedAt, ...rest } = row;
  void [codeFailedAttempts, codeLockedUntil, updatedAt];
  return rest;
};

// ---------------------------------------------------------------------------------------------

let db: DbClient;
beforeAll(async () => {
  db = await createTestDbClient();
});
afterAll(async () => {
  await db?.close();
});

describe('hostile bodies on every JSON route', () => {
  let app: App;
  let routes: Route[];
  /** A verified, signed-in account (its address is the "plausible" email in every case). */
  let signedIn: Awaited<ReturnType<typeof signUp>>;
  /** A sign-up waiting for its code, so register/verify checks codes for real. */
  let pendingEmail: string;
  let pendingCookie: string;

  beforeAll(async () => {
    app = await buildTestApp(db);
    signedIn = await signUp(app, db);
    pendingEmail = uniqueEmail('pending');
    const pending = new Client(app);
    expect(
      (await pending.post('/api/auth/register', { email: pendingEmail, password: GOOD_PASSWORD }))
        .statusCode,
    ).toBe(201);
    pendingCookie = `twofold_pending=${pending.cookies.get('twofold_pending')}`;
    routes = await readRoutes(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  const writeRoutes = () => routes.filter((route) => route.method !== 'GET');

  it('finds the routes in the OpenAPI document, including the seven POST routes under /api/auth', () => {
    const posts = writeRoutes().map((route) => `${route.method} ${route.path}`);
    for (const path of [
      'register',
      'register/verify',
      'register/resend',
      'login',
      'logout',
      'password/forgot',
      'password/reset',
    ]) {
      expect(posts).toContain(`POST /api/auth/${path}`);
    }
  });

  it('declares every JSON body closed (no unknown properties) with every string length-bounded', () => {
    const problems: string[] = [];
    for (const route of writeRoutes().filter((r) => r.body)) {
      const where = `${route.method} ${route.path}`;
      if (route.body!.additionalProperties !== false)
        problems.push(`${where}: additional properties allowed`);
      for (const [name, field] of Object.entries(route.body!.properties ?? {})) {
        if (!typesOf(field).includes('string')) continue;
        const members = [...(field.anyOf ?? []), ...(field.oneOf ?? [])];
        const bounded = (members.length > 0 ? members : [field]).every(
          (f) =>
            f.const !== undefined ||
            Array.isArray(f.enum) ||
            (f.maxLength !== undefined && f.maxLength <= 1_000) ||
            typesOf(f).every((t) => t !== 'string'),
        );
        if (!bounded) problems.push(`${where}: ${name} has no maxLength (<= 1000)`);
      }
    }
    expect(problems).toEqual([]);
  });

  async function sweep(cookie: string | undefined, selected: Route[]) {
    const failures: string[] = [];
    let sent = 0;
    for (const route of selected) {
      for (const kase of bodyCases(route, signedIn.email)) {
        const outcome: Outcome =
          route.gated && (!cookie || route.gatedCode === 'CHALLENGE_REQUIRED')
            ? { status: 401, codes: [route.gatedCode as ErrorCode] }
            : kase.outcome;
        const response = await app.inject({
          method: route.method,
          url: route.url,
          headers: {
            ...(kase.contentType ? { 'content-type': kase.contentType } : {}),
            ...(cookie ? { cookie } : {}),
          },
          ...(kase.payload === undefined ? {} : { payload: kase.payload }),
        });
        sent += 1;
        const problem = problemWith(response, outcome);
        if (problem) failures.push(`${route.method} ${route.path} [${kase.name}]: ${problem}`);
      }
    }
    return { failures, sent };
  }

  async function expectNothingWritten(run: () => Promise<void>) {
    const before = await rowCounts(db);
    const accountsBefore = [await userRow(db, signedIn.email), await userRow(db, pendingEmail)];
    await run();
    expect(await rowCounts(db)).toEqual(before);
    expect([await userRow(db, signedIn.email), await userRow(db, pendingEmail)]).toEqual(
      accountsBefore,
    );
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  }

  it('answers every hostile body with a 4xx and a stable error code, without cookies', async () => {
    await expectNothingWritten(async () => {
      const { failures, sent } = await sweep(undefined, writeRoutes());
      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThan(300);
    });
  });

  it('answers the same with a live session and a pending sign-up in the cookies', async () => {
    const cookie = `twofold_session=${signedIn.client.cookies.get('twofold_session')}; ${pendingCookie}`;
    // Routes whose body has no fields act on their cookies alone (logout would end the session).
    // Re-authentication with the right password succeeds for an account without MFA, whatever
    // else it is sent; it is covered by its own tests.
    const selected = writeRoutes().filter(
      (route) =>
        (route.body?.required ?? []).length > 0 && route.path !== '/api/auth/reauthenticate',
    );
    await expectNothingWritten(async () => {
      const { failures } = await sweep(cookie, selected);
      expect(failures).toEqual([]);
    });
    // The session survived the whole run: the requests really were signed in.
    expect((await signedIn.client.get('/api/auth/session')).statusCode).toBe(200);
  });

  it('points VALIDATION_ERROR details at the offending field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: signedIn.email, password: 12345678 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining('/password'),
      details: [{ path: '/password', message: expect.any(String) }],
    });
  });
});

// ---------------------------------------------------------------------------------------------
// GET routes, query strings and cookies

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT in the shape the cookie plugin writes, signed with any key. */
function jwt(
  payload: Record<string, unknown>,
  key: string | Buffer,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
) {
  const unsigned = `${b64url(header)}.${b64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

const claims = (value: string) =>
  JSON.parse(Buffer.from(value.split('.')[1] ?? '', 'base64url').toString()) as {
    typ: string;
    tok: string;
  };

const GARBAGE_QUERIES = [
  '?a=1&a=2&a[]=3',
  '?__proto__[admin]=1&constructor[prototype][admin]=1',
  '?%',
  '?%zz=%zz',
  '?q=%00',
  '?q=%ED%A0%80',
  '?q=%F0%9F',
  '?email[$ne]=&password[$gt]=',
  '?=&&&=',
  '?limit=-1&cursor=%27%20OR%201%3D1--',
  `?q=${'x'.repeat(8_000)}`,
];

describe('garbage on GET routes and in cookies', () => {
  let app: App;
  let routes: Route[];
  let signedIn: Awaited<ReturnType<typeof signUp>>;
  let secret: string;
  /** The random token inside the signed-in client's session cookie. */
  let token: string;

  beforeAll(async () => {
    app = await buildTestApp(db);
    signedIn = await signUp(app, db);
    secret = contextOf(app).config.sessionSecrets[0]!;
    token = claims(signedIn.client.cookies.get('twofold_session')!).tok;
    routes = (await readRoutes(app)).filter((route) => route.method === 'GET');
  });
  afterAll(async () => {
    await app?.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const sessionCookie = (value: string) => `twofold_session=${value}`;

  it('never answers garbage query strings with a 5xx; signed-in routes answer 401 UNAUTHENTICATED', async () => {
    expect(routes.map((route) => route.path)).toContain('/api/auth/session');
    expect(routes.find((route) => route.path === '/api/auth/session')?.gated).toBe(true);
    const before = await rowCounts(db);
    const failures: string[] = [];
    for (const route of routes) {
      for (const query of GARBAGE_QUERIES) {
        const response = await app.inject({ method: 'GET', url: `${route.url}${query}` });
        const outcome: Outcome = route.gated
          ? { status: 401, codes: ['UNAUTHENTICATED'] }
          : 'tolerated';
        const problem = problemWith(response, outcome);
        if (problem) failures.push(`GET ${route.path}${query.slice(0, 40)}: ${problem}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await rowCounts(db)).toEqual(before);
  });

  it('ignores garbage query strings on signed-in requests', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.gated)) {
      for (const query of GARBAGE_QUERIES) {
        const response = await signedIn.client.get(`${route.url}${query}`);
        const problem = problemWith(response, 'tolerated');
        if (problem) failures.push(`GET ${route.path}${query.slice(0, 40)}: ${problem}`);
      }
    }
    expect(failures).toEqual([]);
    expect((await signedIn.client.get('/api/auth/session')).statusCode).toBe(200);
  });

  it('accepts the real cookie re-signed with the app key (so the forgeries below fail for their own reason)', async () => {
    const value = jwt({ typ: 'session', tok: token, iat: now(), exp: now() + 600 }, secret);
    const response = await app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: sessionCookie(value) },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.email).toBe(signedIn.email);
  });

  const forgeries: [string, () => string][] = [
    ['a garbage value', () => sessionCookie('garbage')],
    ['an empty value', () => sessionCookie('')],
    ['three empty JWT parts', () => sessionCookie('..')],
    ['broken percent-encoding', () => sessionCookie('%E0%A4%A')],
    ['a NUL byte, percent-encoded', () => sessionCookie('%00')],
    ['a 4 KB value', () => sessionCookie('x'.repeat(4_096))],
    ['no "=" at all', () => 'twofold_session'],
    ['only separators', () => ';;;=;='],
    [
      'a JWT signed with another key',
      () =>
        sessionCookie(
          jwt({ typ: 'session', tok: token, iat: now(), exp: now() + 600 }, randomBytes(32)),
        ),
    ],
    [
      'an expired JWT signed with the app key',
      () =>
        sessionCookie(
          jwt({ typ: 'session', tok: token, iat: now() - 7_200, exp: now() - 3_600 }, secret),
        ),
    ],
    [
      'a JWT with alg "none"',
      () =>
        sessionCookie(
          `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ typ: 'session', tok: token, exp: now() + 600 })}.`,
        ),
    ],
    [
      'a JWT claiming RS256',
      () =>
        sessionCookie(
          jwt({ typ: 'session', tok: token, exp: now() + 600 }, secret, {
            alg: 'RS256',
            typ: 'JWT',
          }),
        ),
    ],
    [
      'a pending-kind JWT in the session cookie',
      () => sessionCookie(jwt({ typ: 'pending', tok: token, exp: now() + 600 }, secret)),
    ],
    [
      'a JWT for a token that has no session',
      () =>
        sessionCookie(
          jwt(
            { typ: 'session', tok: randomBytes(32).toString('base64url'), exp: now() + 600 },
            secret,
          ),
        ),
    ],
    [
      'a JWT whose token is not a string',
      () => sessionCookie(jwt({ typ: 'session', tok: { $ne: null }, exp: now() + 600 }, secret)),
    ],
    [
      'a JWT without a token',
      () => sessionCookie(jwt({ typ: 'session', exp: now() + 600 }, secret)),
    ],
    [
      'the real JWT with its signature cut off',
      () =>
        sessionCookie(
          signedIn.client.cookies.get('twofold_session')!.split('.').slice(0, 2).join('.'),
        ),
    ],
    [
      'the real JWT with a payload swapped in',
      () => {
        const [header, , signature] = signedIn.client.cookies.get('twofold_session')!.split('.');
        return sessionCookie(
          `${header}.${b64url({ typ: 'session', tok: token, exp: now() + 86_400 * 365 })}.${signature}`,
        );
      },
    ],
  ];

  it.each(forgeries)(
    'GET /api/auth/session with %s answers 401 UNAUTHENTICATED',
    async (_name, cookie) => {
      const response = await app.inject({
        method: 'GET',
        url: '/api/auth/session',
        headers: { cookie: cookie() },
      });
      expect(problemWith(response, { status: 401, codes: ['UNAUTHENTICATED'] })).toBeNull();
    },
  );

  it('answers every signed-in GET route 401 for every forged cookie', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.gated)) {
      for (const [name, cookie] of forgeries) {
        const response = await app.inject({
          method: 'GET',
          url: route.url,
          headers: { cookie: cookie() },
        });
        const problem = problemWith(response, { status: 401, codes: ['UNAUTHENTICATED'] });
        if (problem) failures.push(`GET ${route.path} [${name}]: ${problem}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('logs out (200) whatever the cookie holds, and ends no session', async () => {
    const before = await rowCounts(db);
    for (const [name, cookie] of forgeries) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie: cookie() },
      });
      expect(response.statusCode, name).toBe(200);
      expect(response.json(), name).toEqual({ status: 'signed_out' });
    }
    expect(await rowCounts(db)).toEqual(before);
    // The real session was never touched by the forgeries.
    expect((await signedIn.client.get('/api/auth/session')).statusCode).toBe(200);
  });

  it('refuses a garbage or forged pending cookie with 401 VERIFICATION_NOT_PENDING', async () => {
    const pendingForgeries = [
      'garbage',
      '',
      jwt({ typ: 'pending', tok: randomBytes(32).toString('base64url'), exp: now() + 600 }, secret),
      jwt({ typ: 'pending', tok: token, exp: now() + 600 }, randomBytes(32)),
      // A session token is no registration challenge.
      jwt({ typ: 'pending', tok: token, exp: now() + 600 }, secret),
      signedIn.client.cookies.get('twofold_session')!,
    ];
    const before = await rowCounts(db);
    for (const value of pendingForgeries) {
      for (const url of ['/api/auth/register/verify', '/api/auth/register/resend']) {
        const response = await app.inject({
          method: 'POST',
          url,
          headers: { cookie: `twofold_pending=${value}` },
          payload: url.endsWith('verify') ? { code: '123456' } : {},
        });
        expect(
          problemWith(response, { status: 401, codes: ['VERIFICATION_NOT_PENDING'] }),
          `${url} ${value.slice(0, 20)}`,
        ).toBeNull();
      }
    }
    expect(await rowCounts(db)).toEqual(before);
  });
});
