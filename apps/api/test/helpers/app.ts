import { desc, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import { devOutbox, sessions, type DbClient } from '@twofold/db';
import { createTestDbClient } from '@twofold/db/testing';
import { buildApp, type App } from '../../src/app.js';
import { ephemeralSecretEnv, type Config } from '@twofold/fastify';
import { loadConfig } from '../../src/config.js';
import { contextOf } from '@twofold/fastify/internal';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(
    { NODE_ENV: 'test', RATE_LIMIT_AUTH_MAX: '100000', ...ephemeralSecretEnv(), ...env },
    { log: () => {} },
  );
}

export interface TestAppOptions {
  env?: Record<string, string>;
  config?: Config;
  now?: () => Date;
}

export async function buildTestApp(db: DbClient, options: TestAppOptions = {}): Promise<App> {
  return buildApp({
    config: options.config ?? testConfig(options.env),
    db,
    now: options.now,
    logger: false,
  });
}

/**
 * One database and one app for the whole test file: built before its first test, closed after
 * its last; real timers are restored after each test. Read `db` and `app` inside hooks and tests
 * only: before the file's first `beforeAll` has run they do not exist yet.
 */
export function useTestApp(options?: TestAppOptions): { readonly db: DbClient; readonly app: App } {
  let db: DbClient | undefined;
  let app: App | undefined;
  beforeAll(async () => {
    db = await createTestDbClient();
    app = await buildTestApp(db, options);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return {
    get db() {
      if (!db) throw new Error('useTestApp: db is read before beforeAll has opened it');
      return db;
    },
    get app() {
      if (!app) throw new Error('useTestApp: app is read before beforeAll has built it');
      return app;
    },
  };
}

let counter = 0;
/** A unique address per call, so suites sharing one database never collide. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}.${counter}@example.com`;
}

export const GOOD_PASSWORD = 'correct horse battery staple';

type InjectOptions = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
};

/**
 * A browser-like client over `app.inject()`: it keeps the cookies the API sets (and drops the
 * ones it clears), and sends them back.
 */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: App) {}

  async request({
    method,
    url,
    body,
    headers = {},
  }: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.app.inject({
      method,
      url,
      ...(body === undefined ? {} : { payload: body as object }),
      headers: { ...(cookie ? { cookie } : {}), ...headers },
    });
    // Work the request left running (forgot-password mails after answering) is done by now.
    await contextOf(this.app).background.idle();
    for (const set of response.cookies as {
      name: string;
      value: string;
      maxAge?: number;
      expires?: Date;
    }[]) {
      const cleared =
        set.maxAge === 0 ||
        (set.expires !== undefined && set.expires.getTime() <= Date.now()) ||
        set.value === '';
      if (cleared) this.cookies.delete(set.name);
      else this.cookies.set(set.name, set.value);
    }
    return response;
  }

  post(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request({ method: 'POST', url, body, headers });
  }

  get(url: string, headers?: Record<string, string>) {
    return this.request({ method: 'GET', url, headers });
  }
}

/** The newest message to `to` in the dev outbox. */
export async function latestMail(db: DbClient, to: string) {
  const [message] = await db.db
    .select()
    .from(devOutbox)
    .where(eq(devOutbox.to, to))
    .orderBy(desc(devOutbox.createdAt))
    .limit(1);
  return message;
}

/** The 6-digit code in the newest message to `to`. */
export async function latestCode(db: DbClient, to: string): Promise<string> {
  const message = await latestMail(db, to);
  const code = message?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code mailed to ${to}`);
  return code;
}

/** Registers and verifies an account; returns a signed-in client. */
export async function signUp(
  app: App,
  db: DbClient,
  email = uniqueEmail(),
  password = GOOD_PASSWORD,
) {
  const client = new Client(app);
  const registered = await client.post('/api/auth/register', { email, password });
  if (registered.statusCode !== 201) throw new Error(`register failed: ${registered.body}`);
  const verified = await client.post('/api/auth/register/verify', {
    code: await latestCode(db, email),
  });
  if (verified.statusCode !== 200) throw new Error(`verify failed: ${verified.body}`);
  return {
    client,
    email,
    password,
    user: verified.json().user as { id: string; email: string; role: string },
  };
}

/** The id of the session `client` is signed in with. */
export async function currentSessionId(client: Client): Promise<string> {
  const response = await client.get('/api/auth/session');
  expect(response.statusCode).toBe(200);
  return response.json().session.id as string;
}

/** Opens the step-up window of `client`'s session as POST /api/auth/reauthenticate would. */
export async function openStepUpWindow(db: DbClient, client: Client, at = new Date()) {
  await db.db
    .update(sessions)
    .set({ reauthenticatedAt: at })
    .where(eq(sessions.id, await currentSessionId(client)));
}
