import { expect } from 'vitest';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { devOutbox, mfaFactors, sessions, type DbClient, type DevOutboxMessage } from '@twofold/db';
import { generateTotp } from '@twofold/mfa-core';
import type { App } from '../../src/app.js';
import { Client, currentSessionId, signUp } from './app.js';
import { enrollTotp } from './mfa.js';
import { contextOf } from '@twofold/fastify/internal';

export const COOKIE = {
  session: 'twofold_session',
  challenge: 'twofold_challenge',
  pending: 'twofold_pending',
  device: 'twofold_device',
} as const;

export const STEP_MS = 30_000;

/** The TOTP code of the step containing `at` (default: the current, possibly faked, time). */
export const totpAt = (secret: string, at: number = Date.now()) =>
  generateTotp({ secret, now: at });

/** The start of the TOTP step containing `at`. */
export const stepStart = (at: number = Date.now()) => at - (at % STEP_MS);

/** A well-formed 6-digit code that matches none of the steps within two steps of `at`. */
export function wrongTotp(secret: string, at: number = Date.now()): string {
  const near = new Set([-2, -1, 0, 1, 2].map((k) => totpAt(secret, at + k * STEP_MS)));
  for (let digit = 0; digit <= 9; digit += 1) {
    const candidate = String(digit).repeat(6);
    if (!near.has(candidate)) return candidate;
  }
  throw new Error('unreachable: ten candidates cannot all be near codes');
}

/** Rows of a raw SQL query, whichever driver (PGlite answers `{ rows }`, postgres.js an array). */
export async function selectRows<T = Record<string, unknown>>(db: DbClient, query: SQL) {
  const result = (await db.db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

type Cookie = { name: string; value: string; maxAge?: number; expires?: Date };

/** The value a response set for cookie `name` (undefined when it set none or cleared it). */
export function cookieSet(response: LightMyRequestResponse, name: string): string | undefined {
  const cookie = (response.cookies as Cookie[]).find((c) => c.name === name);
  if (!cookie || cookie.value === '' || cookie.maxAge === 0) return undefined;
  if (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now()) return undefined;
  return cookie.value;
}

export interface RawRequest {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  body?: unknown;
  /** A `Cookie` header value. */
  cookie?: string;
  remoteAddress?: string;
  headers?: Record<string, string>;
}

/** One request with exactly the given cookie header and client address, nothing kept. */
export async function send(
  app: App,
  { method = 'POST', url, body, cookie, remoteAddress, headers }: RawRequest,
) {
  const response = await app.inject({
    method,
    url,
    ...(body === undefined ? {} : { payload: body as object }),
    ...(remoteAddress ? { remoteAddress } : {}),
    headers: { ...(cookie ? { cookie } : {}), ...headers },
  });
  // Work the request left running (forgot-password mails after answering) is done by now.
  await contextOf(app).background.idle();
  return response;
}

/** The password step of sign-in; returns the `Cookie` header carrying the challenge cookie. */
export async function challengeFor(
  app: App,
  email: string,
  password: string,
  remoteAddress?: string,
): Promise<string> {
  const response = await send(app, {
    url: '/api/auth/login',
    body: { email, password },
    remoteAddress,
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().status).toBe('mfa_required');
  const value = cookieSet(response, COOKIE.challenge);
  expect(value, 'a challenge cookie').toBeDefined();
  return `${COOKIE.challenge}=${value}`;
}

/** The password step through a browser-like client. */
export async function passwordStep(
  app: App,
  email: string,
  password: string,
  client = new Client(app),
) {
  const response = await client.post('/api/auth/login', { email, password });
  expect(response.statusCode, response.body).toBe(200);
  return { client, body: response.json() as Record<string, unknown> & { status: string } };
}

/**
 * Both sign-in steps with the authenticator app, in `client` (a fresh browser by default); with
 * `trustDevice` the browser is remembered. The code is the current step's and a step is accepted
 * once per factor, so move the fake clock to a fresh step (`nextStep()`) before each call.
 */
export async function signInWithTotp(
  app: App,
  account: { email: string; password: string; secret: string },
  {
    client = new Client(app),
    trustDevice = false,
  }: { client?: Client; trustDevice?: boolean } = {},
): Promise<Client> {
  const { body } = await passwordStep(app, account.email, account.password, client);
  expect(body.status).toBe('mfa_required');
  const verified = await client.post('/api/auth/mfa/verify', {
    method: 'totp',
    code: totpAt(account.secret),
    ...(trustDevice ? { trustDevice: true } : {}),
  });
  expect(verified.statusCode, verified.body).toBe(200);
  if (trustDevice) expect(client.cookies.has(COOKIE.device), 'a trusted-device cookie').toBe(true);
  return client;
}

/** `"400 INVALID_CODE"`-style labels, counted: what a batch of requests answered. */
export function tally(responses: LightMyRequestResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) {
    let code = '';
    try {
      code = (response.json() as { code?: string }).code ?? '';
    } catch {
      // not JSON
    }
    const label = `${response.statusCode}${code ? ` ${code}` : ''}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/** Every message the dev outbox holds for `to`, oldest first. */
export async function mailsTo(db: DbClient, to: string): Promise<DevOutboxMessage[]> {
  return db.db
    .select()
    .from(devOutbox)
    .where(eq(devOutbox.to, to))
    .orderBy(asc(devOutbox.createdAt));
}

export async function mailsWithSubject(db: DbClient, to: string, subject: string) {
  return db.db
    .select()
    .from(devOutbox)
    .where(and(eq(devOutbox.to, to), eq(devOutbox.subject, subject)));
}

/**
 * Runs `action` and returns the one message it mailed to `to` with its 6-digit code. Found by
 * id, not by time, so it works under a frozen fake clock too.
 */
export async function mailedCode<T>(
  db: DbClient,
  to: string,
  action: () => Promise<T>,
): Promise<{ code: string; result: T; message: DevOutboxMessage }> {
  const before = new Set((await mailsTo(db, to)).map((m) => m.id));
  const result = await action();
  const fresh = (await mailsTo(db, to)).filter((m) => !before.has(m.id));
  const withCode = fresh.filter((m) => /\b\d{6}\b/.test(m.text));
  expect(withCode, `one code mailed to ${to}`).toHaveLength(1);
  const message = withCode[0]!;
  return { code: message.text.match(/\b(\d{6})\b/)![1]!, result, message };
}

/** A verified account with an authenticator app (and its backup codes). */
export async function totpUser(app: App, db: DbClient, email?: string) {
  const account = await signUp(app, db, email);
  const enrolled = await enrollTotp(account.client);
  await setUpInEarlierSession(db, enrolled.factorId, account.client);
  return { ...account, ...enrolled };
}

/**
 * Dates the factor's setup a minute before `client`'s session began, as if the app had been set
 * up on an earlier visit: only then do its codes count as step-up (X-TOTP-Code) in that session
 * (an app added in the session itself needs the password too).
 */
export async function setUpInEarlierSession(db: DbClient, factorId: string, client: Client) {
  const [session] = await db.db
    .select({ createdAt: sessions.createdAt })
    .from(sessions)
    .where(eq(sessions.id, await currentSessionId(client)));
  const earlier = new Date(session!.createdAt.getTime() - 60_000);
  await db.db
    .update(mfaFactors)
    .set({ createdAt: earlier, confirmedAt: earlier })
    .where(eq(mfaFactors.id, factorId));
}

/** A verified account whose only factor is email codes. */
export async function emailFactorUser(app: App, db: DbClient, email?: string) {
  const account = await signUp(app, db, email);
  const { code } = await mailedCode(db, account.email, async () => {
    const started = await account.client.post('/api/mfa/email', {});
    expect(started.statusCode, started.body).toBe(201);
  });
  const confirmed = await account.client.post('/api/mfa/email/confirm', { code });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { ...account, backupCodes: confirmed.json().backupCodes as string[] };
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);
