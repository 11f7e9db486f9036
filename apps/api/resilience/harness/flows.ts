import postgres from 'postgres';
import { generateTotp } from '@twofold/mfa-core';
import { HttpClient } from './http-client.js';

export type Sql = postgres.Sql;

/** A direct connection to the API's database, for reading mail codes and checking rows. */
export function openSql(databaseUrl: string): Sql {
  return postgres(databaseUrl, {
    max: 4,
    onnotice: () => {},
    connection: { search_path: 'twofold' },
  });
}

export const PASSWORD = 'correct horse battery staple';

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${process.pid}.${Date.now().toString(36)}.${counter}@example.com`;
}

/** The 6-digit code in the newest dev-outbox message to `to`. */
export async function latestCode(sql: Sql, to: string): Promise<string> {
  const [row] = await sql<{ text: string }[]>`
    select text from dev_outbox where "to" = ${to} order by created_at desc limit 1`;
  const code = row?.text.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code mailed to ${to}`);
  return code;
}

/** The TOTP code `offsetSteps` time steps from now (0: current, 1: the next one). */
export function totpCode(secret: string, offsetSteps = 0): string {
  return generateTotp({ secret, now: Date.now() + offsetSteps * 30_000 });
}

function expectStatus(answer: { status: number; text: string }, status: number, what: string) {
  if (answer.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${answer.text}`);
  }
}

/** Registers and verifies a new account over HTTP (codes read from the dev outbox). */
export async function signUp(baseUrl: string, sql: Sql, email = uniqueEmail()) {
  const client = new HttpClient(baseUrl);
  expectStatus(
    await client.post('/api/auth/register', { email, password: PASSWORD }),
    201,
    'register',
  );
  const verified = await client.post('/api/auth/register/verify', {
    code: await latestCode(sql, email),
  });
  expectStatus(verified, 200, 'verify');
  return { client, email, password: PASSWORD, userId: verified.json.user.id as string };
}

/**
 * Enrolls TOTP on a signed-in client; the current time step is consumed by the confirmation.
 * As the account's first factor, from a session signed in minutes ago, it needs no step-up;
 * any other factor needs `stepUp` first.
 */
export async function enrollTotp(client: HttpClient) {
  const started = await client.post('/api/mfa/totp', {});
  expectStatus(started, 201, 'start TOTP');
  const secret = started.json.secret as string;
  const confirmed = await client.post('/api/mfa/totp/confirm', { code: totpCode(secret) });
  expectStatus(confirmed, 200, 'confirm TOTP');
  return {
    secret,
    factorId: started.json.factorId as string,
    backupCodes: confirmed.json.backupCodes as string[],
  };
}

/**
 * Opens the client's step-up window (POST /api/auth/reauthenticate): the password, plus a
 * current second factor when the account has one. Adding a factor but the first needs it.
 */
export async function stepUp(
  client: HttpClient,
  factor?: { method: 'totp' | 'email' | 'backup_code'; code: string },
  password = PASSWORD,
) {
  const answer = await client.post('/api/auth/reauthenticate', { password, ...factor });
  expectStatus(answer, 200, 'reauthenticate');
}

/** Password step on a fresh client: `mfa_required` leaves the challenge cookie in its jar. */
export async function passwordStep(baseUrl: string, email: string, password = PASSWORD) {
  const client = new HttpClient(baseUrl);
  const answer = await client.post('/api/auth/login', { email, password });
  expectStatus(answer, 200, 'login');
  return { client, status: answer.json.status as string };
}
