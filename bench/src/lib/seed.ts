import { randomUUID } from 'node:crypto';
import { accounts, loginChallenges, members, mfaFactors } from '@twofold/db';
import { generateTotpSecret, randomToken, sha256Hex } from '@twofold/mfa-core';
import { CHALLENGE_COOKIE, cookieFromSetCookie, SESSION_COOKIE } from './cookies.js';
import { BENCH_PASSWORD, type BenchContext } from './context.js';
import { signCookieJwt } from './jwt.js';
import { sameOriginHeaders } from './measure.js';

/** Rows per INSERT statement. */
const BATCH = 1000;
/** The API's challenge lifetime (services/sign-in.ts). */
const CHALLENGE_TTL_S = 5 * 60;

let runCounter = 0;

function chunks<T>(items: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Verified accounts with the bench password; returns their ids and emails. */
export async function seedUsers(ctx: BenchContext, kind: string, count: number) {
  runCounter += 1;
  const now = new Date();
  const rows = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    email: `${kind}-${runCounter}-${i}@bench.example.com`,
    emailVerifiedAt: now,
  }));
  const created: { id: string; email: string }[] = [];
  for (const batch of chunks(rows)) {
    created.push(
      ...(await ctx.db.db
        .insert(members)
        .values(batch)
        .returning({ id: members.id, email: members.email })),
    );
    await ctx.db.db
      .insert(accounts)
      .values(
        batch.map(({ id, email }) => ({ userId: id, email, passwordHash: ctx.passwordHash })),
      );
  }
  return created;
}

export interface TotpPair {
  /** `__Host-twofold_challenge=<jwt>`, as the API would have set it after the password step. */
  cookie: string;
  /** Base32 TOTP secret, to compute the code at request time. */
  secret: string;
  /** The challenge row's token hash, to count the challenges a run consumed. */
  tokenHash: string;
}

/**
 * `count` accounts, each with an active TOTP factor (secret sealed with the API's
 * ENCRYPTION_KEYS) and one open second-step challenge: what `POST /api/auth/login` leaves
 * behind for an account with MFA, without paying for `count` password hashes.
 */
export async function seedTotpChallenges(ctx: BenchContext, count: number): Promise<TotpPair[]> {
  const accounts = await seedUsers(ctx, 'totp', count);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_S * 1000);
  const prepared = accounts.map((account) => {
    const secret = generateTotpSecret();
    const sealed = ctx.secretBox.seal(secret);
    const token = randomToken(32);
    return { account, secret, sealed, token, tokenHash: sha256Hex(token) };
  });
  for (const batch of chunks(prepared)) {
    await ctx.db.db.insert(mfaFactors).values(
      batch.map(({ account, sealed }) => ({
        userId: account.id,
        type: 'totp',
        status: 'active',
        secretCiphertext: sealed.ciphertext,
        secretKeyId: sealed.keyId,
        createdAt: now,
        confirmedAt: now,
      })),
    );
    await ctx.db.db.insert(loginChallenges).values(
      batch.map(({ account, tokenHash }) => ({
        tokenHash,
        userId: account.id,
        purpose: 'mfa',
        ip: '127.0.0.1',
        createdAt: now,
        expiresAt,
      })),
    );
  }
  return prepared.map(({ secret, token, tokenHash }) => ({
    secret,
    tokenHash,
    cookie: `${CHALLENGE_COOKIE}=${signCookieJwt(ctx.signingSecret, { typ: 'challenge', tok: token }, CHALLENGE_TTL_S)}`,
  }));
}

/** JSON bodies of `POST /api/auth/login` for these accounts. */
export function loginBodies(emails: readonly string[]): string[] {
  return emails.map((email) => JSON.stringify({ email, password: BENCH_PASSWORD }));
}

/** Signs each account in over HTTP and returns its session cookie (`name=value`). */
export async function signIn(
  origin: string,
  emails: readonly string[],
  concurrency = 4,
): Promise<string[]> {
  const cookies: string[] = new Array<string>(emails.length);
  let next = 0;
  const lane = async () => {
    while (next < emails.length) {
      const index = next++;
      const response = await fetch(`${origin}/api/auth/login`, {
        method: 'POST',
        headers: sameOriginHeaders(origin),
        body: JSON.stringify({ email: emails[index], password: BENCH_PASSWORD }),
      });
      const text = await response.text();
      const cookie = cookieFromSetCookie(response.headers.getSetCookie(), SESSION_COOKIE);
      if (response.status !== 200 || !cookie) {
        throw new Error(`sign-in of ${emails[index]} answered ${response.status}: ${text}`);
      }
      cookies[index] = cookie;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return cookies;
}
