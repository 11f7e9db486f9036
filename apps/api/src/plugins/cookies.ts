import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import jwt from '@fastify/jwt';

/** The cookies Twofold sets; each carries a JWT whose `typ` must match, so none can stand in for another. */
export type CookieKind = 'session' | 'challenge' | 'pending' | 'device';

const baseNames: Record<CookieKind, string> = {
  session: 'twofold_session',
  challenge: 'twofold_challenge',
  pending: 'twofold_pending',
  device: 'twofold_device',
};

interface CookieToken {
  typ: CookieKind;
  tok: string;
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
  await app.register(jwt, {
    secret: signingSecret,
    sign: { algorithm: 'HS256' },
    verify: { algorithms: ['HS256'] },
  });

  const production = config.env === 'production';
  const names = Object.fromEntries(
    Object.entries(baseNames).map(([kind, name]) => [kind, production ? `__Host-${name}` : name]),
  ) as Record<CookieKind, string>;
  const attributes = { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: production };

  const verify = (value: string): CookieToken | null => {
    for (const key of [signingSecret, ...olderSecrets]) {
      try {
        return app.jwt.verify<CookieToken>(value, { key });
      } catch {
        // expired, malformed or signed by another key: try the next one
      }
    }
    return null;
  };

  const jar: CookieJar = {
    name: (kind) => names[kind],
    set(reply, kind, token, maxAgeSeconds) {
      const value = app.jwt.sign({ typ: kind, tok: token } satisfies CookieToken, {
        expiresIn: maxAgeSeconds,
      });
      reply.setCookie(names[kind], value, { ...attributes, maxAge: maxAgeSeconds });
    },
    read(request, kind) {
      const value = request.cookies[names[kind]];
      if (!value || value.length > 2048) return null;
      const payload = verify(value);
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
