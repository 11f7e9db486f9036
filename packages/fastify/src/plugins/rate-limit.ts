import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { appError } from '../errors.js';

/**
 * Every route under `<prefix>/auth/` is an auth route and gets the per-IP limit automatically; a
 * route elsewhere that checks a password or mails a code asks for it with `authRateLimit`.
 */
const WINDOW_MS = 60_000;
/** A Redis that does not answer within this long is skipped rather than waited on. */
const REDIS_TIMEOUT_MS = 500;

/**
 * Per-IP limits with @fastify/rate-limit. In-process by default; with REDIS_URL the counters
 * live in Redis, so every API instance behind a load balancer shares them. If Redis is
 * unreachable the per-IP limit is skipped (logged) rather than failing sign-in for everyone:
 * the per-account second-factor throttle lives in PostgreSQL and keeps holding.
 * The onRoute hook below runs before the rate-limit plugin's own, so a new auth route cannot
 * forget its limit.
 */
const rateLimitPlugin: FastifyPluginAsync = async (app) => {
  const { config, prefix } = app.twofoldContext;
  // app.prefix: where the host registered Twofold ('' at its root, '/v1' inside a /v1 scope).
  const authPrefix = `${app.prefix}${prefix}/auth/`;
  app.addHook('onRoute', (route) => {
    const authRoute = route.url.startsWith(authPrefix) || route.config?.authRateLimit === true;
    if (!authRoute || route.config?.rateLimit !== undefined) return;
    route.config = {
      ...route.config,
      rateLimit: { max: config.rateLimitAuthMax, timeWindow: WINDOW_MS },
    };
  });

  let redis: Redis | undefined;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, {
      connectTimeout: REDIS_TIMEOUT_MS,
      commandTimeout: REDIS_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      // While disconnected, fail at once (limit skipped) instead of queueing every auth
      // request behind the command timeout: an outage must not add latency to each sign-in.
      enableOfflineQueue: false,
    });
    let lastWarning = 0;
    redis.on('error', (error: Error) => {
      const now = Date.now();
      if (now - lastWarning < 10_000) return;
      lastWarning = now;
      app.log.warn({ err: error }, 'rate-limit store (Redis) unavailable: per-IP limits skipped');
    });
    const client = redis;
    app.addHook('onClose', async () => {
      await client.quit().catch(() => client.disconnect());
    });
  }

  await app.register(rateLimit, {
    global: false,
    // Answers under the limit carry no x-ratelimit-* headers: they would tell a guesser its
    // budget, and writing them cost the no-op auth route about a sixth of its throughput. The
    // 429 keeps them, with Retry-After.
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    ...(redis && { redis, nameSpace: 'twofold-rate-limit:', skipOnError: true }),
    errorResponseBuilder: (_request, context) =>
      appError('RATE_LIMITED', { retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The per-IP limit of the auth routes, on a route outside /api/auth/. */
    authRateLimit?: boolean;
  }
}

export default fp(rateLimitPlugin, {
  name: 'twofold-rate-limit',
  dependencies: ['twofold-config'],
});
