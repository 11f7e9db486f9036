import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import jwt, { type JWT } from '@fastify/jwt';

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
  /** The random token inside a valid cookie of that kind, or null (missing, forged, expired, wrong kind). */
  read(request: FastifyRequest, kind: CookieKind): string | null;
  clear(reply: FastifyReply, kind: CookieKind): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    cookieJar: CookieJar;
  }
}

/**
 * Cookies are HttpOnly, SameSite=Lax, Path=/; in production also Secure with the `__Host-`
 * prefix. Values are HS256 JWTs: the first SESSION_SECRETS entry signs, every entry verifies,
 * so secrets rotate without signing everyone out.
 */
const cookiesPlugin: FastifyPluginAsync = async (app) => {
  const { config } = app;
  const [signingSecret, ...olderSecrets] = config.sessionSecrets;
  if (!signingSecret) throw new Error('cookies plugin: SESSION_SECRETS is empty');

  await app.register(cookie);
  // Verifiers are built once, at registration: one for the signing secret and one per older
  // secret (a namespace each), so a request never builds one. Verified tokens are cached (the
  // cache honours their expiry); revocation is checked in the database on every request anyway.
  const verify = { algorithms: ['HS256' as const], cache: VERIFIED_TOKEN_CACHE };
  await app.register(jwt, { secret: signingSecret, sign: { algorithm: 'HS256' }, verify });
  const previous = olderSecrets.map((_, i) => `previousSecret${i}`);
  for (const [i, namespace] of previous.entries()) {
    await app.register(jwt, { secret: olderSecrets[i]!, verify, namespace });
  }

  const production = config.env === 'production';
  const names = Object.fromEntries(
    Object.entries(baseNames).map(([kind, name]) => [kind, production ? `__Host-${name}` : name]),
  ) as Record<CookieKind, string>;
  const attributes = { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: production };

  // Namespaced registrations hang off app.jwt under their name.
  const namespaced = app.jwt as unknown as Record<string, JWT>;
  const jwts = [app.jwt, ...previous.map((namespace) => namespaced[namespace]!)];
  const verifyCookie = (value: string): CookieToken | null => {
    for (const verifier of jwts) {
      try {
        return verifier.verify<CookieToken>(value);
      } catch {
        // expired, malformed or signed by another key: try the next one
      }
    }
    return null;
  };

  const jar: CookieJar = {
    name: (kind) => names[kind],
    set(reply, kind, token, maxAgeSeconds) {
      // `exp` in the payload rather than an `expiresIn` option, which would build a new signer
      // on every call.
      const exp = Math.floor(Date.now() / 1000) + maxAgeSeconds;
      const value = app.jwt.sign({ typ: kind, tok: token, exp } satisfies CookieToken);
      reply.setCookie(names[kind], value, { ...attributes, maxAge: maxAgeSeconds });
    },
    read(request, kind) {
      const value = request.cookies[names[kind]];
      if (!value || value.length > 2048) return null;
      const payload = verifyCookie(value);
      return payload && payload.typ === kind && typeof payload.tok === 'string'
        ? payload.tok
        : null;
    },
    clear(reply, kind) {
      reply.clearCookie(names[kind], attributes);
    },
  };
  app.decorate('cookieJar', jar);
};

export default fp(cookiesPlugin, { name: 'cookies', dependencies: ['config'] });
