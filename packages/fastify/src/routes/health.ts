import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthResponse, ReadyResponse } from '@twofold/mfa-core';

const READY_TIMEOUT_MS = 2_000;

/** Liveness (the process answers) and readiness (the database answers, within 2 s). */
const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    { config: { auth: 'public' }, schema: { tags: ['ops'], response: { 200: HealthResponse } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { auth: 'public' },
      schema: { tags: ['ops'], response: { 200: ReadyResponse, 503: ReadyResponse } },
    },
    async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('database ping timed out')), READY_TIMEOUT_MS);
      });
      try {
        await Promise.race([app.twofoldContext.dbClient.ping(), timeout]);
        return { status: 'ready' as const, checks: { database: 'ok' as const } };
      } catch {
        return reply
          .code(503)
          .send({ status: 'not_ready' as const, checks: { database: 'error' as const } });
      } finally {
        clearTimeout(timer);
      }
    },
  );
};

export default healthRoutes;
