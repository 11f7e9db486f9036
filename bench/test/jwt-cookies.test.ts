import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cookieFromSetCookie, readCookie } from '../src/lib/cookies.js';
import { signCookieJwt, verifyCookieJwt } from '../src/lib/jwt.js';

const secret = 'a'.repeat(43);

describe('cookie JWTs', () => {
  it('signs HS256 with iat and exp, and verifies its own tokens', () => {
    const token = signCookieJwt(secret, { typ: 'challenge', tok: 'xyz' }, 300, 1_000);
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({
      typ: 'challenge',
      tok: 'xyz',
      iat: 1_000,
      exp: 1_300,
    });
    const expected = createHmac('sha256', secret)
      .update(`${header}.${payload}`)
      .digest('base64url');
    expect(signature).toBe(expected);
    expect(verifyCookieJwt(token, secret, 1_299)).toMatchObject({ typ: 'challenge', tok: 'xyz' });
  });

  it('refuses expired, tampered and foreign tokens', () => {
    const token = signCookieJwt(secret, { typ: 'session', tok: 'abc' }, 60, 1_000);
    expect(verifyCookieJwt(token, secret, 1_060)).toBeNull();
    expect(verifyCookieJwt(token, 'b'.repeat(43), 1_000)).toBeNull();
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ typ: 'session', tok: 'other', exp: 9e9 })).toString(
      'base64url',
    );
    expect(verifyCookieJwt(`${header}.${forged}.${signature}`, secret, 1_000)).toBeNull();
    expect(verifyCookieJwt('not-a-jwt', secret, 1_000)).toBeNull();
  });
});

describe('cookies', () => {
  it('takes name=value of one cookie from Set-Cookie headers', () => {
    const headers = [
      '__Host-twofold_challenge=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
      '__Host-twofold_session=eyJ.abc.def; Max-Age=43200; Path=/; HttpOnly; Secure; SameSite=Lax',
    ];
    expect(cookieFromSetCookie(headers, '__Host-twofold_session')).toBe(
      '__Host-twofold_session=eyJ.abc.def',
    );
    expect(cookieFromSetCookie(headers, '__Host-twofold_challenge')).toBeNull();
  });

  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; __Host-twofold_session=x.y.z; b=2', '__Host-twofold_session')).toBe(
      'x.y.z',
    );
    expect(readCookie('a=1', '__Host-twofold_session')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});
