import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HS256 JWTs with node:crypto, as the API's cookies carry them (@fastify/jwt signs with the
 * first SESSION_SECRETS entry, used as a UTF-8 key). The bench signs challenge cookies with it
 * and its raw session route verifies session cookies with it.
 */

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export interface CookiePayload {
  typ: string;
  tok: string;
  iat: number;
  exp: number;
}

function mac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

/** A token valid from `nowSeconds` for `ttlSeconds`. */
export function signCookieJwt(
  secret: string,
  claims: { typ: string; tok: string },
  ttlSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const payload = { ...claims, iat: nowSeconds, exp: nowSeconds + ttlSeconds };
  const body = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The payload of a well-formed, correctly signed, unexpired HS256 token; otherwise null. */
export function verifyCookieJwt(
  token: string,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): CookiePayload | null {
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first <= 0 || last === first) return null;
  const signature = Buffer.from(token.slice(last + 1), 'base64url');
  const expected = mac(secret, token.slice(0, last));
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString()) as {
      alg?: unknown;
    };
    if (header.alg !== 'HS256') return null;
    const payload = JSON.parse(
      Buffer.from(token.slice(first + 1, last), 'base64url').toString(),
    ) as Partial<CookiePayload>;
    if (typeof payload.exp !== 'number' || payload.exp <= nowSeconds) return null;
    if (typeof payload.typ !== 'string' || typeof payload.tok !== 'string') return null;
    return payload as CookiePayload;
  } catch {
    return null;
  }
}
