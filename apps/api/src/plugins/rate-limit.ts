import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { appError } from '../errors.js';

/** Every route under this prefix is an auth route and gets the per-IP limit automatically. */
const AUTH_PREFIX = '/api/auth/';

/**
 * Per-IP limits with @fastify/rate-limit (in-process store). The onRoute hook below runs before
 * the rate-limit plugin's own, so a new auth route cannot forget its limit.
 */
const rateLimitPlugin: FastifyPluginAsync = async (app) => {
  const { config } = app;
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(AUTH_PREFIX) || route.config?.rateLimit !== undefined) return;
    route.config = {
      ...route.config,
      rateLimit: { max: config.rateLimitAuthMax, timeWindow: 60_000 },
    };
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      appError('RATE_LIMITED', { retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });
};

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['config'] });
