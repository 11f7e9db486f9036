import { createHmac } from 'node:crypto';

/**
 * The API's cookies are HS256 JWTs (`{ typ, tok, iat, exp }`, see src/plugins/cookies.ts).
 * These helpers mint and alter them from outside the process, given the SESSION_SECRETS the
 * scenario passed to `spawnApi` (`sharedSecrets().SESSION_SECRETS.split(',')[0]`).
 */

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT over `payload`, signed with `key` (any key: the right one or a wrong one). */
export function signJwt(payload: Record<string, unknown>, key: string): string {
  const signed = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${signed}.${createHmac('sha256', key).update(signed).digest('base64url')}`;
}

/** The payload of a JWT, unverified. */
export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

/** The same token with its payload edited and the original signature kept. */
export function tamperJwt(token: string, edit: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encode({ ...decodeJwt(token), ...edit })}.${signature}`;
}

/** An unsigned token (`alg: none`), which a verifier must never accept. */
export function unsignedJwt(payload: Record<string, unknown>): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}
