import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parse as parseCookie, serialize } from 'cookie';
import { createSigner, createVerifier } from 'fast-jwt';

/** The cookies Twofold sets; each carries a JWT whose `typ` must match, so none can stand in for another. */
export type CookieKind = 'session' | 'challenge' | 'pending' | 'device';

const baseNames: Record<CookieKind, string> = {
  session: 'twofold_session',
  challenge: 'twofold_challenge',
  pending: 'twofold_pending',
  device: 'twofold_device',
};

/** Verified cookies remembered per secret (fast-jwt's LRU cache). */
const VERIFIED_TOKEN_CACHE = 10_000;

interface CookieToken {
  typ: CookieKind;
  tok: string;
  /** Expiry, seconds since the epoch. */
  exp?: number;
}

export interface CookieJar {
  name(kind: CookieKind): string;
  /** Sets the cookie; `maxAgeSeconds` is also the JWT's expiry. */
  set(reply: FastifyReply, kind: CookieKind, token: string, maxAgeSeconds: number): void;
  /** The cookie's value for `token`: a JWT of that kind, signed with the current secret. */
  seal(kind: CookieKind, token: string, maxAgeSeconds: number): string;
  /** The random token inside a valid cookie of that kind, or null (missing, forged, expired, wrong kind). */
  read(request: FastifyRequest, kind: CookieKind): string | null;
  clear(reply: FastifyReply, kind: CookieKind): void;
}

/**
 * The request's cookies, parsed once. Twofold registers no cookie plugin of its own (a host may
 * have registered @fastify/cookie already, or not at all), so it reads the header itself; when
 * a cookie plugin has parsed it, that result is used.
 */
const parsed = new WeakMap<FastifyRequest, Record<string, string | undefined>>();
function cookiesOf(request: FastifyRequest): Record<string, string | undefined> {
  const done = (request as { cookies?: Record<string, string | undefined> }).cookies;
  if (done) return done;
  let cookies = parsed.get(request);
  if (!cookies) {
    const header = request.headers.cookie;
    cookies = header ? parseCookie(header) : {};
    parsed.set(request, cookies);
  }
  return cookies;
}

/**
 * Cookies are HttpOnly, SameSite=Lax, Path=/; in production also Secure with the `__Host-`
 * prefix. Values are HS256 JWTs: the first SESSION_SECRETS entry signs, every entry verifies,
 * so secrets rotate without signing everyone out.
 */
const cookiesPlugin: FastifyPluginAsync = async (app) => {
  const { config } = app.twofoldContext;
  const [signingSecret, ...olderSecrets] = config.sessionSecrets;
  if (!signingSecret) throw new Error('cookies plugin: SESSION_SECRETS is empty');

  // Signer and verifiers are built once, at registration: one verifier for the signing secret
  // and one per older secret, so a request never builds one. Verified tokens are cached (the
  // cache honours their expiry); revocation is checked in the database on every request anyway.
  const sign = createSigner({ key: signingSecret, algorithm: 'HS256' });
  const verifiers = [signingSecret, ...olderSecrets].map((key) =>
    createVerifier({ key, algorithms: ['HS256'], cache: VERIFIED_TOKEN_CACHE }),
  );

  const production = config.env === 'production';
  const names = Object.fromEntries(
    Object.entries(baseNames).map(([kind, name]) => [kind, production ? `__Host-${name}` : name]),
  ) as Record<CookieKind, string>;
  const attributes = { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: production };

  const verifyCookie = (value: string): CookieToken | null => {
    for (const verify of verifiers) {
      try {
        return verify(value) as CookieToken;
      } catch {
        // expired, malformed or signed by another key: try the next one
      }
    }
    return null;
  };

  const jar: CookieJar = {
    name: (kind) => names[kind],
    set(reply, kind, token, maxAgeSeconds) {
      const value = jar.seal(kind, token, maxAgeSeconds);
      const cookie = serialize(names[kind], value, { ...attributes, maxAge: maxAgeSeconds });
      reply.header('set-cookie', cookie);
    },
    seal(kind, token, maxAgeSeconds) {
      // `exp` in the payload rather than an `expiresIn` option, which would build a new signer
      // on every call.
      const exp = Math.floor(Date.now() / 1000) + maxAgeSeconds;
      return sign({ typ: kind, tok: token, exp } satisfies CookieToken);
    },
    read(request, kind) {
      const value = cookiesOf(request)[names[kind]];
      if (!value || value.length > 2048) return null;
      const payload = verifyCookie(value);
      return payload && payload.typ === kind && typeof payload.tok === 'string'
        ? payload.tok
        : null;
    },
    clear(reply, kind) {
      const cookie = serialize(names[kind], '', { ...attributes, expires: new Date(0), maxAge: 0 });
      reply.header('set-cookie', cookie);
    },
  };
  app.twofoldContext.cookieJar = jar;
};

export default fp(cookiesPlugin, { name: 'twofold-cookies', dependencies: ['twofold-config'] });
